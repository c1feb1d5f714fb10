// One run of a program under the engine: serve the engine's services on a Unix socket in a private
// folder of this run, start the program as pulumi-language-nodejs does (node, the program's own
// SDK's cmd/run, the engine's addresses, the stack's config in the environment), and wait for its
// process to exit: the program is finished then, as under the engine, or when the time is up.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { engineServices, type EngineRecord } from "./engine-services";
import { loadProtocol, type GrpcServer, type SdkProtocol } from "./sdk-protocol";
import { spawnProgram } from "./spawn-program";

export interface ProgramLaunch {
  /** The program's own @pulumi/pulumi folder. */
  pulumiDir: string;
  programDir: string;
  projectName: string;
  stackName: string;
  preview: boolean;
  /** Fully qualified config keys (`project:key`) and their values; secrets in plain text. */
  config: Record<string, string>;
  secretKeys: string[];
  /** Pulumi.yaml's `main`; the host passes "." without one. */
  main?: string;
  /** Pulumi.yaml's runtime options, as the host reads them. */
  typescript: boolean;
  tsconfig?: string;
  nodeArgs: string[];
  timeoutMs: number;
  /** ts-node without the type check (the host's PULUMI_NODEJS_TRANSPILE_ONLY). */
  transpileOnly: boolean;
  /** More names of the check's environment the program gets (`--pass-env`). */
  passEnv: readonly string[];
  allowNetwork: boolean;
  /** Run in a sandbox (the check), or uncontained as `pulumi up` runs a trusted program. */
  contained: boolean;
  /** The program's package folder: writable as a copy it cannot keep (when contained). */
  installDir: string;
}

export type PassOutcome =
  | {
      kind: "exited";
      code: number | null;
      signal: string | null;
      stderr: string;
      record: EngineRecord;
      /** Why the program ran uncontained, when it did. */
      uncontained?: string;
    }
  | { kind: "timeout"; record: EngineRecord; uncontained?: string }
  | { kind: "spawn-failed"; message: string };

const protocols = new Map<string, SdkProtocol>();
/** This run's private folders, removed however the check ends (process.exit included). */
const scratchDirs = new Set<string>();
let cleanOnExit = false;

function newScratchDir(): string {
  if (!cleanOnExit) {
    process.on("exit", () => {
      for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
    });
    cleanOnExit = true;
  }
  const dir = mkdtempSync(join(tmpdir(), "policy-engine-"));
  scratchDirs.add(dir);
  return dir;
}

function protocolOf(pulumiDir: string): SdkProtocol {
  let protocol = protocols.get(pulumiDir);
  if (!protocol) {
    protocol = loadProtocol(pulumiDir);
    protocols.set(pulumiDir, protocol);
  }
  return protocol;
}

/** The program's environment, as the language host sets it up (pulumi-language-nodejs). */
export function programEnvironment(launch: ProgramLaunch): Record<string, string> {
  // What the program may see of the check's environment is containment's call (its allow-list
  // passes the user's PULUMI_NODEJS_* settings, as under the CLI); here only what the host sets.
  const env: Record<string, string> = {};
  env.PULUMI_CONFIG = JSON.stringify(launch.config);
  env.PULUMI_CONFIG_SECRET_KEYS = JSON.stringify(launch.secretKeys);
  if (launch.typescript) env.PULUMI_NODEJS_TYPESCRIPT = "true";
  if (launch.tsconfig) env.PULUMI_NODEJS_TSCONFIG_PATH = launch.tsconfig;
  if (launch.transpileOnly) env.PULUMI_NODEJS_TRANSPILE_ONLY = "true";
  return env;
}

/** `node [nodeargs] <sdk>/cmd/run --monitor … [--dry-run] <main>`, as the host builds it. */
export function programArguments(launch: ProgramLaunch, address: string): string[] {
  return [
    ...launch.nodeArgs,
    join(launch.pulumiDir, "cmd", "run"),
    "--monitor",
    address,
    "--engine",
    address,
    "--project",
    launch.projectName,
    "--stack",
    launch.stackName,
    "--pwd",
    launch.programDir,
    ...(launch.preview ? ["--dry-run"] : []),
    launch.main ?? ".",
  ];
}

function listen(server: GrpcServer, address: string, credentials: unknown): Promise<void> {
  return new Promise((resolve, reject) =>
    server.bindAsync(address, credentials, (error) => (error ? reject(error) : resolve())),
  );
}

export async function runPass(launch: ProgramLaunch): Promise<PassOutcome> {
  const protocol = protocolOf(launch.pulumiDir);
  const services = engineServices(protocol, launch);
  const scratchDir = newScratchDir();
  const server = protocol.newServer();
  server.addService(protocol.monitorService, services.monitor);
  server.addService(protocol.engineService, services.engine);
  const address = `unix:${join(scratchDir, "engine.sock")}`;
  try {
    await listen(server, address, protocol.insecure());
    if (protocol.needsStart) server.start();
    const program = spawnProgram(process.execPath, programArguments(launch, address), {
      cwd: launch.programDir,
      env: programEnvironment(launch),
      scratchDir,
      passEnv: launch.passEnv,
      allowNetwork: launch.allowNetwork,
      contained: launch.contained,
      copyOnWriteDirs: [launch.installDir],
    });
    const uncontained = program.whyUncontained ? { uncontained: program.whyUncontained } : {};
    let stderr = "";
    program.child.stderr?.on("data", (chunk: Buffer) => {
      if (stderr.length < 65_536) stderr += chunk.toString();
    });
    return await new Promise<PassOutcome>((resolve) => {
      const timer = setTimeout(() => {
        program.endAll();
        resolve({ kind: "timeout", record: services.record, ...uncontained });
      }, launch.timeoutMs);
      program.child.once("error", (error) => {
        clearTimeout(timer);
        resolve({ kind: "spawn-failed", message: error.message });
      });
      program.child.once("exit", (code, signal) => {
        clearTimeout(timer);
        // Whatever the program started goes with it; then its last words, if they come at once.
        program.endAll();
        const done = () =>
          resolve({
            kind: "exited",
            code,
            signal,
            stderr,
            record: services.record,
            ...uncontained,
          });
        if (program.child.stderr?.readableEnded !== false) done();
        else {
          const grace = setTimeout(done, 500);
          program.child.stderr.once("end", () => {
            clearTimeout(grace);
            done();
          });
        }
      });
    });
  } finally {
    server.forceShutdown();
    rmSync(scratchDir, { recursive: true, force: true });
    scratchDirs.delete(scratchDir);
  }
}
