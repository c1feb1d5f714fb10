// The engine's two services, as a program's SDK calls them: the ResourceMonitor (what the program
// registers, reads and invokes) and the Engine (logs, the root Stack resource). Answers are the
// mocks' answers: at a preview, a resource's outputs are its inputs and all else is unknown; at an
// update, ids and computed outputs are faked consistently (fake-outputs.ts). Everything registered
// is recorded, in order, as the policy pack reads it.
import { fakeOutputs, invokeAnswer } from "./fake-outputs";
import {
  describeRegistration,
  plainValue,
  type RegisterRequest,
  type RegisteredResource,
} from "./registration";
import type { MessageClass, SdkProtocol } from "./sdk-protocol";

export interface LogEntry {
  severity: number;
  message: string;
}

/** What the program did through the engine during one run. */
export interface EngineRecord {
  resources: RegisteredResource[];
  rootUrn: string;
  stackOutputs: Record<string, unknown>;
  logs: LogEntry[];
  /** Multi-language components: no provider runs here, so their outputs are never faked. */
  remoteComponents: string[];
}

/** Engine Log severities (engine.proto LogSeverity). */
export const LOG_ERROR = 3;

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";
const GET_RESOURCE = "pulumi:pulumi:getResource";
/** Monitor features the SDK may use. Callbacks (transforms, hooks) need a server of the program's. */
const FEATURES = new Set([
  "secrets",
  "resourceReferences",
  "aliasSpecs",
  "deletedWith",
  "parameterization",
]);

interface Struct {
  toJavaScript(): Record<string, unknown>;
}

type Request = Record<string, () => unknown>;
type Callback = (error: unknown, response?: unknown) => void;
type Handler = (call: { request: Request }, callback: Callback) => void;

export interface ServiceHandlers {
  monitor: Record<string, Handler>;
  engine: Record<string, Handler>;
  record: EngineRecord;
}

export function engineServices(
  protocol: SdkProtocol,
  run: { projectName: string; stackName: string; preview: boolean },
): ServiceHandlers {
  const record: EngineRecord = {
    resources: [],
    rootUrn: "",
    stackOutputs: {},
    logs: [],
    remoteComponents: [],
  };
  /** What the engine answered for each URN, as `pulumi:pulumi:getResource` returns it. */
  const states = new Map<string, { urn: string; id: string; state: Record<string, unknown> }>();
  const answer = (
    method: string,
    fill?: (response: Record<string, (value: never) => void>) => void,
  ) => {
    const Response =
      protocol.monitorService[method]?.responseType ?? protocol.engineService[method]?.responseType;
    const response = new (Response as MessageClass)() as unknown as Record<
      string,
      (value: never) => void
    >;
    fill?.(response);
    return response;
  };
  const urnFor = (parent: string, type: string, name: string): string => {
    const parentChain = parent ? parent.split("::")[2] : "";
    const chain = parentChain && parentChain !== ROOT_STACK_TYPE ? `${parentChain}$${type}` : type;
    return `urn:pulumi:${run.stackName}::${run.projectName}::${chain}::${name}`;
  };
  const state = (type: string, name: string, inputs: Record<string, unknown>) =>
    run.preview
      ? inputs
      : {
          ...fakeOutputs(
            type,
            name,
            plainValue(inputs, { found: false }) as Record<string, unknown>,
          ),
          ...inputs,
        };
  const registered = (urn: unknown) => {
    const found = typeof urn === "string" ? states.get(urn) : undefined;
    if (!found) throw new Error(`unknown resource ${String(urn)}`);
    return found;
  };
  const guarded =
    (handle: (request: Request) => unknown): Handler =>
    (call, callback) => {
      try {
        callback(null, handle(call.request));
      } catch (error) {
        callback(error);
      }
    };

  const monitor: Record<string, Handler> = {
    supportsFeature: guarded((request) =>
      answer("supportsFeature", (response) =>
        response.setHassupport(FEATURES.has(request.getId() as string) as never),
      ),
    ),
    registerResource: guarded((request) => {
      const type = request.getType() as string;
      const name = request.getName() as string;
      const inputs = (request.getObject() as Struct | undefined)?.toJavaScript() ?? {};
      const urn = urnFor(request.getParent() as string, type, name);
      const outputs = state(type, name, inputs);
      if (type === ROOT_STACK_TYPE && !request.getParent()) record.rootUrn = urn;
      else {
        record.resources.push(
          describeRegistration(request as unknown as RegisterRequest, { urn, outputs }, (u) => u),
        );
      }
      const custom = request.getCustom() as boolean;
      const id = run.preview || !custom ? "" : `${name}-id`;
      if (request.getRemote?.()) record.remoteComponents.push(urn);
      states.set(urn, { urn, id, state: outputs });
      return answer("registerResource", (response) => {
        response.setUrn(urn as never);
        response.setId(id as never);
        response.setObject(protocol.Struct.fromJavaScript(outputs) as never);
      });
    }),
    readResource: guarded((request) => {
      const type = request.getType() as string;
      const name = request.getName() as string;
      const inputs = (request.getProperties() as Struct | undefined)?.toJavaScript() ?? {};
      const urn = urnFor(request.getParent() as string, type, name);
      const properties = state(type, name, inputs);
      states.set(urn, { urn, id: request.getId() as string, state: properties });
      return answer("readResource", (response) => {
        response.setUrn(urn as never);
        response.setProperties(protocol.Struct.fromJavaScript(properties) as never);
      });
    }),
    registerResourceOutputs: guarded((request) => {
      if (request.getUrn() === record.rootUrn) {
        const outputs = (request.getOutputs() as Struct | undefined)?.toJavaScript() ?? {};
        record.stackOutputs = plainValue(outputs, { found: false }) as Record<string, unknown>;
      }
      return answer("registerResourceOutputs");
    }),
    invoke: guarded((request) => {
      const args = (request.getArgs() as Struct | undefined)?.toJavaScript() ?? {};
      const token = request.getTok() as string;
      // A resource reference the SDK turns back into a resource (a component's outputs).
      const result = token === GET_RESOURCE ? registered(args.urn) : invokeAnswer(token, args);
      return answer("invoke", (response) =>
        response.setReturn(protocol.Struct.fromJavaScript(result) as never),
      );
    }),
    registerPackage: guarded((request) =>
      answer("registerPackage", (response) =>
        response.setRef(
          `${request.getName() as string}@${request.getVersion() as string}` as never,
        ),
      ),
    ),
    signalAndWaitForShutdown: guarded(() => answer("signalAndWaitForShutdown")),
  };

  const engine: Record<string, Handler> = {
    log: guarded((request) => {
      record.logs.push({
        severity: request.getSeverity() as number,
        message: request.getMessage() as string,
      });
      return answer("log");
    }),
    getRootResource: guarded(() =>
      answer("getRootResource", (response) => response.setUrn(record.rootUrn as never)),
    ),
    setRootResource: guarded((request) => {
      record.rootUrn = request.getUrn() as string;
      return answer("setRootResource");
    }),
  };
  return { monitor, engine, record };
}
