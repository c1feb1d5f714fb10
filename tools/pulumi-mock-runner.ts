// Runs a Pulumi program with no engine and no cloud: the program executes for real under
// `pulumi.runtime.setMocks`, with its stack's config from the real stack file, and every resource
// it registers is captured with its inputs, parent, dependencies and options, as the engine would
// see them. Used by the program's tests and by the offline policy check, which runs the same
// capture on the program's own copy of the SDK, in a child process (see `runUnderMocks`).
import type * as PulumiModule from "@pulumi/pulumi";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parse } from "yaml";
import { readFileSync } from "node:fs";
import { loadStackConfig } from "./stack-config";
import {
  UNKNOWN,
  describeRegistration,
  plainValue,
  type RegisterRequest,
  type RegisteredResource,
} from "./engine/registration";
import { fakeOutputs, invokeAnswer } from "./engine/fake-outputs";

export { UNKNOWN, type RegisteredResource };

export interface ProgramRun {
  projectName: string;
  stackName: string;
  preview: boolean;
  resources: RegisteredResource[];
  /** The stack's outputs, plain (secrets unwrapped: see secretOutputs). */
  outputs: Record<string, unknown>;
  /** Stack outputs whose value is, or contains, a secret (what the CLI shows as [secret]). */
  secretOutputs: string[];
  /** Why the program ran uncontained (the offline check's engine only), when it did. */
  uncontained?: string;
  /** URNs of multi-language components (registered remote: their provider makes the children). */
  remoteComponents?: string[];
}

export interface RunOptions {
  /** A folder holding a Pulumi.yaml. */
  programDir: string;
  stackName?: string;
  preview: boolean;
  /** Fully qualified config keys to add or override. */
  config?: Record<string, string>;
  /** Keys of `config` that are secret. */
  secretKeys?: string[];
  /**
   * Loads the program's entry module afresh. The default clears the program's own files from
   * Node's module cache; a test runner with its own module registry passes its own loader.
   */
  load?: (entry: string) => unknown;
}

/** A well-formed stand-in for a secret the stack file holds encrypted or not at all. */
export const SECRET_PLACEHOLDER = "0123456789abcdef".repeat(4);

/**
 * The parts of one copy of `@pulumi/pulumi` the capture needs. They exist, with the same shapes,
 * from 3.x releases of late 2023 (3.100) to today's.
 */
export interface PulumiSdk {
  runtime: Pick<typeof PulumiModule.runtime, "setMocks" | "setAllConfig">;
  settings: { getMonitor(): Monitor; waitForRPCs(): Promise<void> };
  runInPulumiStack(init: () => Promise<unknown>): Promise<Record<string, unknown> | undefined>;
}

/** The copy of `@pulumi/pulumi` whose package.json is in `pulumiDir`. */
export function pulumiSdkAt(pulumiDir: string): PulumiSdk {
  return {
    runtime: (require(pulumiDir) as typeof PulumiModule).runtime,
    settings: require(join(pulumiDir, "runtime", "settings")) as PulumiSdk["settings"],
    runInPulumiStack: (require(join(pulumiDir, "runtime", "stack")) as PulumiSdk).runInPulumiStack,
  };
}

/** What one run under mocks needs, once the stack's config is resolved. */
export interface MockedRun {
  sdk: PulumiSdk;
  projectName: string;
  stackName: string;
  preview: boolean;
  config: Record<string, string>;
  secretKeys: string[];
  /** Runs the program inside the root Stack resource; resolves to the stack's outputs. */
  execute(sdk: PulumiSdk): Promise<Record<string, unknown> | undefined>;
}

/** The stack's config as a run under mocks gets it: secrets it cannot read as placeholders. */
export function configForMocks(programDir: string, stackName: string) {
  const stackConfig = loadStackConfig(programDir, stackName);
  const config: Record<string, string> = { ...stackConfig.values };
  for (const key of [...stackConfig.encryptedKeys, ...stackConfig.missingKeys]) {
    if (stackConfig.secretKeys.includes(key)) config[key] = SECRET_PLACEHOLDER;
  }
  return { projectName: stackConfig.projectName, config, secretKeys: stackConfig.secretKeys };
}

export async function runProgramUnderMocks(options: RunOptions): Promise<ProgramRun> {
  const programDir = resolve(options.programDir);
  const stackName = options.stackName ?? "prod";
  const stackConfig = configForMocks(programDir, stackName);
  const config = { ...stackConfig.config, ...options.config };
  const entry = programEntry(programDir);
  const load = options.load ?? ((path: string) => loadFresh(programDir, path));
  return runUnderMocks({
    sdk: pulumiSdkAt(dirname(require.resolve("@pulumi/pulumi/package.json"))),
    projectName: stackConfig.projectName,
    stackName,
    preview: options.preview,
    config,
    secretKeys: [...new Set([...stackConfig.secretKeys, ...(options.secretKeys ?? [])])],
    execute: (sdk) =>
      sdk.runInPulumiStack(async () => {
        const program = load(entry) as Record<string, unknown> & { default?: unknown };
        if (typeof program.default === "function") {
          return await (program.default as () => unknown)();
        }
        return program;
      }),
  });
}

/** Installs the mocks and the capture on `run.sdk`, runs the program, returns what it registered. */
export async function runUnderMocks(run: MockedRun): Promise<ProgramRun> {
  const { sdk, projectName, stackName, preview } = run;
  const resources: RegisteredResource[] = [];
  await sdk.runtime.setMocks(
    {
      newResource: (args) => ({
        // In a preview, ids and computed outputs are unknown until the resource exists.
        id: preview ? "" : `${args.name}-id`,
        state: preview
          ? args.inputs
          : { ...fakeOutputs(args.type, args.name, args.inputs), ...args.inputs },
      }),
      call: (args) => invokeAnswer(args.token, args.inputs),
    },
    projectName,
    stackName,
    preview,
  );
  const secretOutputs: string[] = [];
  captureRegistrations(sdk.settings.getMonitor(), resources, secretOutputs);
  // Replaces, as a whole, whatever config an earlier run in this process set.
  sdk.runtime.setAllConfig(run.config, run.secretKeys);

  // The engine stops a program at its first failed registration; here such a failure surfaces as
  // an unhandled rejection. It ends the run at once: some SDK versions never settle the program's
  // promise after it (a rejected input hangs them), and a run must not wait for what never comes.
  let recordFailure: (reason: unknown) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (recordFailure = reject));
  failed.catch(() => undefined);
  process.on("unhandledRejection", recordFailure);
  try {
    const outputs = (await Promise.race([run.execute(sdk), failed])) ?? {};
    await Promise.race([sdk.settings.waitForRPCs(), failed]);
    // A rejection noticed only after the outputs resolved still fails the run.
    await Promise.race([failed, new Promise((next) => setImmediate(next))]);
    const stackResource = resources.find((resource) => resource.type === "pulumi:pulumi:Stack");
    return {
      projectName,
      stackName,
      preview,
      resources: resources.filter((resource) => resource !== stackResource),
      outputs: plainOutputs(outputs),
      secretOutputs,
    };
  } finally {
    process.off("unhandledRejection", recordFailure);
  }
}

interface Monitor {
  registerResource(
    request: RegisterRequest,
    callback: (error: unknown, response: unknown) => void,
  ): void;
  registerResourceOutputs(
    request: {
      getUrn(): string;
      getOutputs(): { toJavaScript(): Record<string, unknown> } | undefined;
    },
    callback: (error: unknown, response: unknown) => void,
  ): void;
}

function captureRegistrations(
  monitor: Monitor,
  resources: RegisteredResource[],
  secretOutputs: string[],
): void {
  const urns = new EngineUrns();
  // The root Stack's outputs, as serialized for the engine: which of them are secret.
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (request, callback) => {
    if (request.getUrn().split("::")[2] === ROOT_STACK_TYPE) {
      for (const [key, value] of Object.entries(request.getOutputs()?.toJavaScript() ?? {})) {
        const secret = { found: false };
        plainValue(value, secret);
        if (secret.found) secretOutputs.push(key);
      }
    }
    registerOutputs(request, callback);
  };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request, callback) => {
    register(request, (error, response) => {
      if (!error && response) {
        resources.push(describe(request, response as RegisterResponse, urns));
      }
      callback(error, response);
    });
  };
}

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/**
 * URNs as the engine builds them. The mock monitor puts only the parent's own type before a
 * child's type, and the root Stack's too; the engine puts the parent's whole type chain, and
 * leaves the root Stack out: `urn:pulumi:<stack>::<project>::<parent types$>type::name`.
 */
class EngineUrns {
  private readonly fromMock = new Map<string, string>();

  add(mockUrn: string, type: string, name: string, mockParent: string): string {
    const parent = mockParent ? this.of(mockParent) : "";
    const parentType = parent ? parent.split("::")[2] : "";
    const chain = parentType && parentType !== ROOT_STACK_TYPE ? `${parentType}$${type}` : type;
    const [stack, project] = mockUrn.split("::");
    const urn = `${stack}::${project}::${chain}::${name}`;
    this.fromMock.set(mockUrn, urn);
    return urn;
  }

  of(mockUrn: string): string {
    return this.fromMock.get(mockUrn) ?? mockUrn;
  }
}

interface RegisterResponse {
  getUrn(): string;
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
}

function describe(
  request: RegisterRequest,
  response: RegisterResponse,
  urns: EngineUrns,
): RegisteredResource {
  const urn = urns.add(
    response.getUrn(),
    request.getType(),
    request.getName(),
    request.getParent(),
  );
  return describeRegistration(
    request,
    { urn, outputs: response.getObject()?.toJavaScript() ?? {} },
    (mockUrn) => urns.of(mockUrn),
  );
}

function plainOutputs(outputs: Record<string, unknown>): Record<string, unknown> {
  return plainValue(outputs, { found: false }) as Record<string, unknown>;
}

export function programEntry(programDir: string): string {
  const project = parse(readFileSync(join(programDir, "Pulumi.yaml"), "utf8")) as { main?: string };
  const base = project.main ? join(programDir, project.main) : programDir;
  for (const candidate of [base, `${base}.ts`, join(base, "index.ts"), join(base, "index.js")]) {
    if (existsSync(candidate) && !candidate.endsWith("/") && candidate !== programDir) {
      try {
        return require.resolve(candidate);
      } catch {
        continue;
      }
    }
  }
  return require.resolve(programDir);
}

/** Loads a program afresh, with its own files (not node_modules) out of Node's module cache. */
export function loadFresh(programDir: string, entry: string): unknown {
  for (const key of Object.keys(require.cache)) {
    if (key.startsWith(programDir) && !key.includes("node_modules")) delete require.cache[key];
  }
  return require(entry);
}
