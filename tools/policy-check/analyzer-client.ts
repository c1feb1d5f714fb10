// The engine's side of a policy plugin conversation: start the pack the way the Pulumi CLI starts
// a Node.js policy pack, then speak the Analyzer gRPC protocol to it.
import type { ChildProcess } from "node:child_process";
import { dirname, join } from "node:path";
import { packCompileCache } from "./pack-compile-cache";
import { createInterface } from "node:readline";
import type { RegisteredResource } from "../engine/program-run";
import { killGroup, spawnTracked } from "./child-processes";

const PULUMI_DIR = dirname(require.resolve("@pulumi/pulumi/package.json"));
const fromPulumi = (module: string) => require(require.resolve(module, { paths: [PULUMI_DIR] }));
/* eslint-disable @typescript-eslint/no-explicit-any -- generated protobuf classes are untyped here */
const grpc = fromPulumi("@grpc/grpc-js");
const analyzerProto = require(join(PULUMI_DIR, "proto/analyzer_pb.js"));
const analyzerGrpc = require(join(PULUMI_DIR, "proto/analyzer_grpc_pb.js"));
const { Struct } = fromPulumi("google-protobuf/google/protobuf/struct_pb");
const { Empty } = fromPulumi("google-protobuf/google/protobuf/empty_pb");

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export type EnforcementLevel = "advisory" | "mandatory" | "disabled" | "remediate";
const LEVELS: EnforcementLevel[] = ["advisory", "mandatory", "disabled", "remediate"];

export interface PolicyInfo {
  name: string;
  description: string;
  enforcementLevel: EnforcementLevel;
  configSchema?: { properties: Record<string, unknown>; required?: string[] };
}

export interface PackInfo {
  name: string;
  version: string;
  policies: PolicyInfo[];
}

export interface Diagnostic {
  policyName: string;
  policyPackName: string;
  policyPackVersion: string;
  description: string;
  message: string;
  enforcementLevel: EnforcementLevel;
  urn: string;
}

export interface PolicyConfigEntry {
  enforcementLevel: EnforcementLevel;
  properties: Record<string, unknown>;
}

/** The check's environment, with the pack's compiled code cached where only the check writes. */
function packEnvironment(): NodeJS.ProcessEnv {
  const cache = packCompileCache();
  return cache
    ? { ...process.env, TS_NODE_CACHE: "true", TS_NODE_CACHE_DIRECTORY: cache }
    : { ...process.env, TS_NODE_CACHE: "false" };
}

export class AnalyzerClient {
  private constructor(
    private readonly child: ChildProcess,
    private readonly client: any,
    private readonly callTimeoutMs: number,
  ) {}

  /** Starts `run-policy-pack` in the pack's folder; its first line of output is its port. */
  static async start(packDir: string, timeoutMs = 60_000): Promise<AnalyzerClient> {
    const child = spawnTracked(
      process.execPath,
      [join(PULUMI_DIR, "cmd", "run-policy-pack"), "127.0.0.1:0", "."],
      { cwd: packDir, stdio: ["ignore", "pipe", "pipe"], env: packEnvironment() },
    );
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        killGroup(child);
        reject(
          new Error(
            `it did not start within ${timeoutMs / 1000} s; raise the limit with --timeout`,
          ),
        );
      }, timeoutMs);
      const lines = createInterface({ input: child.stdout! });
      lines.once("line", (line) => {
        clearTimeout(timer);
        const value = Number(line.trim());
        if (Number.isInteger(value) && value > 0) resolve(value);
        else {
          killGroup(child);
          reject(new Error(`it printed "${line}" instead of its port`));
        }
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`it exited (${code}) before serving: ${lastLine(stderr)}`));
      });
    });
    const client = new analyzerGrpc.AnalyzerClient(
      `127.0.0.1:${port}`,
      grpc.credentials.createInsecure(),
    );
    return new AnalyzerClient(child, client, timeoutMs);
  }

  async info(): Promise<PackInfo> {
    const reply = await this.call("getAnalyzerInfo", new Empty());
    return {
      name: reply.getName(),
      version: reply.getVersion(),
      policies: reply.getPoliciesList().map((policy: any) => {
        const schema = policy.getConfigschema();
        return {
          name: policy.getName(),
          description: policy.getDescription(),
          enforcementLevel: LEVELS[policy.getEnforcementlevel()],
          ...(schema
            ? {
                configSchema: {
                  properties: schema.getProperties()?.toJavaScript() ?? {},
                  required: schema.getRequiredList(),
                },
              }
            : {}),
        };
      }),
    };
  }

  async configure(config: Record<string, PolicyConfigEntry>): Promise<void> {
    const request = new analyzerProto.ConfigureAnalyzerRequest();
    const map = request.getPolicyconfigMap();
    for (const [name, entry] of Object.entries(config)) {
      const policyConfig = new analyzerProto.PolicyConfig();
      policyConfig.setEnforcementlevel(LEVELS.indexOf(entry.enforcementLevel));
      policyConfig.setProperties(Struct.fromJavaScript(entry.properties));
      map.set(name, policyConfig);
    }
    await this.call("configure", request);
  }

  /** What the engine sends for each resource as it is registered. */
  async analyze(resource: RegisteredResource): Promise<Diagnostic[]> {
    const request = describeResource(new analyzerProto.AnalyzeRequest(), resource);
    return diagnostics(await this.call("analyze", request));
  }

  /** What the engine sends once the program has registered everything. */
  async analyzeStack(resources: RegisteredResource[]): Promise<Diagnostic[]> {
    const request = new analyzerProto.AnalyzeStackRequest();
    request.setResourcesList(
      resources.map((resource) => {
        const wire = describeResource(new analyzerProto.AnalyzerResource(), resource);
        if (resource.parent) wire.setParent(resource.parent);
        wire.setDependenciesList(resource.dependencies);
        const dependencyMap = wire.getPropertydependenciesMap();
        for (const [property, urns] of Object.entries(resource.propertyDependencies)) {
          const dependencies = new analyzerProto.AnalyzerPropertyDependencies();
          dependencies.setUrnsList(urns);
          dependencyMap.set(property, dependencies);
        }
        return wire;
      }),
    );
    return diagnostics(await this.call("analyzeStack", request));
  }

  stop(): void {
    this.client.close();
    killGroup(this.child);
  }

  private call(method: string, request: unknown): Promise<any> {
    const deadline = Date.now() + this.callTimeoutMs;
    return new Promise((resolve, reject) => {
      this.client[method](
        request,
        new grpc.Metadata(),
        { deadline },
        (error: (Error & { code?: number }) | null, reply: unknown) => {
          if (!error) resolve(reply);
          else if (error.code === grpc.status.DEADLINE_EXCEEDED) {
            reject(
              new Error(
                `${method} got no answer within ${this.callTimeoutMs / 1000} s; raise the limit with --timeout`,
              ),
            );
          } else reject(error);
        },
      );
    });
  }
}

/** The fields AnalyzeRequest and AnalyzerResource share. */
function describeResource(message: any, resource: RegisteredResource): any {
  message.setType(resource.type);
  message.setProperties(wireProperties(resource));
  message.setUrn(resource.urn);
  message.setName(resource.name);
  message.setOptions(resourceOptions(resource));
  return message;
}

/** Inputs as the engine sends them: unknowns as the sentinel, secrets wrapped. */
function wireProperties(resource: RegisteredResource): unknown {
  const properties: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(resource.inputs)) {
    if (value === undefined) continue;
    properties[key] = resource.secretPaths.includes(key) ? { [SIG_KEY]: SECRET_SIG, value } : value;
  }
  return Struct.fromJavaScript(properties);
}

function resourceOptions(resource: RegisteredResource): unknown {
  const options = new analyzerProto.AnalyzerResourceOptions();
  options.setProtect(resource.options.protect ?? false);
  options.setIgnorechangesList(resource.options.ignoreChanges ?? []);
  options.setDeletebeforereplace(resource.options.deleteBeforeReplace ?? false);
  options.setDeletebeforereplacedefined(resource.options.deleteBeforeReplace !== undefined);
  options.setAdditionalsecretoutputsList(resource.options.additionalSecretOutputs ?? []);
  options.setAliasesList(resource.options.aliases ?? []);
  if (resource.parent) options.setParent(resource.parent);
  return options;
}

/** The pack's last words, which name what went wrong (a stack trace comes before them). */
function lastLine(text: string): string {
  const lines = text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("at "));
  return lines[lines.length - 1] ?? "no output";
}

function withoutPrefix(text: string, prefix: string): string {
  return text.startsWith(prefix) ? text.slice(prefix.length) : text;
}

function diagnostics(reply: any): Diagnostic[] {
  return reply.getDiagnosticsList().map((diagnostic: any) => ({
    policyName: diagnostic.getPolicyname(),
    policyPackName: diagnostic.getPolicypackname(),
    policyPackVersion: diagnostic.getPolicypackversion(),
    description: diagnostic.getDescription(),
    // The pack puts the policy's description before the message; reports show it apart.
    message: withoutPrefix(diagnostic.getMessage(), `${diagnostic.getDescription()}\n`),
    enforcementLevel: LEVELS[diagnostic.getEnforcementlevel()],
    urn: diagnostic.getUrn(),
  }));
}
