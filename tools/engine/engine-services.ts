// The engine's two services, as a program's SDK calls them: the ResourceMonitor (what the program
// registers, reads and invokes) and the Engine (logs, the root Stack resource). Answers are the
// mocks' answers: at a preview, a resource's outputs are its inputs and all else is unknown; at an
// update, ids and computed outputs are faked consistently (fake-outputs.ts). Everything registered
// is recorded, in order, as the policy pack reads it.
import { fakeOutputs, invokeAnswer, stackRegion } from "./fake-outputs";
import {
  describeRead,
  describeRegistration,
  plainValue,
  type ReadRequest,
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
  /** Stack outputs whose value is, or contains, a secret (what the CLI shows as [secret]). */
  secretOutputs: string[];
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

type Response = Record<string, (value: never) => void>;

/** What every handler of one run shares. */
interface Run {
  protocol: SdkProtocol;
  settings: {
    projectName: string;
    stackName: string;
    preview: boolean;
    /** The stack's config (fully qualified keys): its aws:region is where AWS would create. */
    config?: Record<string, string>;
  };
  record: EngineRecord;
  /** What the engine answered for each URN, as `pulumi:pulumi:getResource` returns it. */
  states: Map<string, { urn: string; id: string; state: Record<string, unknown> }>;
}

function answer(run: Run, method: string, fill?: (response: Response) => void): Response {
  const Response =
    run.protocol.monitorService[method]?.responseType ??
    run.protocol.engineService[method]?.responseType;
  const response = new (Response as MessageClass)() as unknown as Response;
  fill?.(response);
  return response;
}

function urnFor(run: Run, parent: string, type: string, name: string): string {
  const parentChain = parent ? parent.split("::")[2] : "";
  const chain = parentChain && parentChain !== ROOT_STACK_TYPE ? `${parentChain}$${type}` : type;
  return `urn:pulumi:${run.settings.stackName}::${run.settings.projectName}::${chain}::${name}`;
}

/** A resource's outputs: its inputs, and at an update the computed outputs faked. */
function stateOf(run: Run, type: string, name: string, inputs: Record<string, unknown>) {
  if (run.settings.preview) return inputs;
  const plain = plainValue(inputs, { found: false }) as Record<string, unknown>;
  return { ...fakeOutputs(type, name, plain, stackRegion(run.settings.config)), ...inputs };
}

function registered(run: Run, urn: unknown) {
  const found = typeof urn === "string" ? run.states.get(urn) : undefined;
  if (!found) throw new Error(`unknown resource ${String(urn)}`);
  return found;
}

function guarded(handle: (request: Request) => unknown): Handler {
  return (call, callback) => {
    try {
      callback(null, handle(call.request));
    } catch (error) {
      callback(error);
    }
  };
}

function registerResource(run: Run, request: Request): Response {
  const type = request.getType() as string;
  const name = request.getName() as string;
  const inputs = (request.getObject() as Struct | undefined)?.toJavaScript() ?? {};
  const urn = urnFor(run, request.getParent() as string, type, name);
  const outputs = stateOf(run, type, name, inputs);
  if (type === ROOT_STACK_TYPE && !request.getParent()) run.record.rootUrn = urn;
  else {
    run.record.resources.push(
      describeRegistration(request as unknown as RegisterRequest, { urn, outputs }, (u) => u),
    );
  }
  const custom = request.getCustom() as boolean;
  const id = run.settings.preview || !custom ? "" : `${name}-id`;
  if (request.getRemote?.()) run.record.remoteComponents.push(urn);
  run.states.set(urn, { urn, id, state: outputs });
  return answer(run, "registerResource", (response) => {
    response.setUrn(urn as never);
    response.setId(id as never);
    response.setObject(run.protocol.Struct.fromJavaScript(outputs) as never);
  });
}

function readResource(run: Run, request: Request): Response {
  const type = request.getType() as string;
  const name = request.getName() as string;
  const inputs = (request.getProperties() as Struct | undefined)?.toJavaScript() ?? {};
  const urn = urnFor(run, request.getParent() as string, type, name);
  const properties = stateOf(run, type, name, inputs);
  run.states.set(urn, { urn, id: request.getId() as string, state: properties });
  run.record.resources.push(
    describeRead(request as unknown as ReadRequest, { urn, outputs: properties }),
  );
  return answer(run, "readResource", (response) => {
    response.setUrn(urn as never);
    response.setProperties(run.protocol.Struct.fromJavaScript(properties) as never);
  });
}

function invoke(run: Run, request: Request): Response {
  const args = (request.getArgs() as Struct | undefined)?.toJavaScript() ?? {};
  const token = request.getTok() as string;
  // A resource reference the SDK turns back into a resource (a component's outputs).
  const result =
    token === GET_RESOURCE
      ? registered(run, args.urn)
      : invokeAnswer(token, args, stackRegion(run.settings.config));
  return answer(run, "invoke", (response) =>
    response.setReturn(run.protocol.Struct.fromJavaScript(result) as never),
  );
}

function monitorHandlers(run: Run): Record<string, Handler> {
  return {
    supportsFeature: guarded((request) =>
      answer(run, "supportsFeature", (response) =>
        response.setHassupport(FEATURES.has(request.getId() as string) as never),
      ),
    ),
    registerResource: guarded((request) => registerResource(run, request)),
    readResource: guarded((request) => readResource(run, request)),
    registerResourceOutputs: guarded((request) => {
      if (request.getUrn() === run.record.rootUrn) {
        const outputs = (request.getOutputs() as Struct | undefined)?.toJavaScript() ?? {};
        run.record.stackOutputs = plainValue(outputs, { found: false }) as Record<string, unknown>;
        run.record.secretOutputs = Object.keys(outputs).filter((key) => {
          const secret = { found: false };
          plainValue(outputs[key], secret);
          return secret.found;
        });
      }
      return answer(run, "registerResourceOutputs");
    }),
    invoke: guarded((request) => invoke(run, request)),
    registerPackage: guarded((request) =>
      answer(run, "registerPackage", (response) =>
        response.setRef(
          `${request.getName() as string}@${request.getVersion() as string}` as never,
        ),
      ),
    ),
    signalAndWaitForShutdown: guarded(() => answer(run, "signalAndWaitForShutdown")),
  };
}

function engineHandlers(run: Run): Record<string, Handler> {
  return {
    log: guarded((request) => {
      run.record.logs.push({
        severity: request.getSeverity() as number,
        message: request.getMessage() as string,
      });
      return answer(run, "log");
    }),
    getRootResource: guarded(() =>
      answer(run, "getRootResource", (response) => response.setUrn(run.record.rootUrn as never)),
    ),
    setRootResource: guarded((request) => {
      run.record.rootUrn = request.getUrn() as string;
      return answer(run, "setRootResource");
    }),
  };
}

export function engineServices(protocol: SdkProtocol, settings: Run["settings"]): ServiceHandlers {
  const run: Run = {
    protocol,
    settings,
    record: {
      resources: [],
      rootUrn: "",
      stackOutputs: {},
      secretOutputs: [],
      logs: [],
      remoteComponents: [],
    },
    states: new Map(),
  };
  return { monitor: monitorHandlers(run), engine: engineHandlers(run), record: run.record };
}
