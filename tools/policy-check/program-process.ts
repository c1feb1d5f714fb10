// Runs a Pulumi program as the engine's Node.js language host would, in a child process in the
// program's folder (see program-host.ts), and returns what it registered under mocks. Every way
// the program cannot run ends in a CheckError with one line; the child never outlives the run.
import { buildSync } from "esbuild";
import type { ChildProcess } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { parse } from "yaml";
import { configForMocks, type ProgramRun } from "../pulumi-mock-runner";
import { CheckError } from "./check-error";
import { spawnContained } from "./containment";
import {
  describeProgramFailure,
  firstLine,
  missingPackageLine,
  type ProgramFailure,
} from "./program-errors";
import { runFolder } from "./run-folder";

/** The job the parent sends the program's process. */
export interface HostJob {
  pulumiDir: string;
  projectName: string;
  stackName: string;
  preview: boolean;
  config: Record<string, string>;
  secretKeys: string[];
  main?: string;
  typescript: boolean;
  tsconfig?: string;
}

export type HostMessage =
  { kind: "done"; run: ProgramRun } | { kind: "failed"; failure: ProgramFailure };

export interface ProgramJob {
  programDir: string;
  stackName: string;
  preview: boolean;
  /** How long the program may run, registrations included. */
  timeoutMs: number;
  /** Names of the check's environment the program gets beyond the allow-list. */
  passEnv?: readonly string[];
  allowNetwork?: boolean;
}

/** What the program registered, and why it ran uncontained if it did. */
export type ContainedRun = ProgramRun & { uncontained?: string };

interface ProjectFile {
  main?: string;
  runtime: { name: string; options: Record<string, unknown> };
}

export async function runProgramInChild(job: ProgramJob): Promise<ContainedRun> {
  const programDir = resolve(job.programDir);
  const project = readProjectFile(programDir);
  const stackConfig = guard(() => configForMocks(programDir, job.stackName));
  const installDir = packageRoot(programDir);
  let pulumiDir: string;
  try {
    pulumiDir = dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [programDir] }));
  } catch {
    throw new CheckError(missingPackageLine("@pulumi/pulumi", installDir));
  }
  const sdkVersion = (
    JSON.parse(readFileSync(join(pulumiDir, "package.json"), "utf8")) as { version?: string }
  ).version;
  if (!/^v?3\./.test(sdkVersion ?? "")) {
    throw new CheckError(
      `the program's @pulumi/pulumi is ${sdkVersion ?? "of no known version"} (${pulumiDir}); the check runs programs on 3.x`,
    );
  }
  const options = project.runtime.options;
  const hostJob: HostJob = {
    pulumiDir,
    projectName: stackConfig.projectName,
    stackName: job.stackName,
    preview: job.preview,
    config: stackConfig.config,
    secretKeys: stackConfig.secretKeys,
    ...(project.main ? { main: project.main } : {}),
    typescript: options.typescript !== false,
    ...(typeof options.tsconfig === "string" ? { tsconfig: options.tsconfig } : {}),
  };
  const nodeArgs =
    typeof options.nodeargs === "string" ? options.nodeargs.split(/\s+/).filter(Boolean) : [];
  const enclosing = enclosingEntry(programDir, project);
  if (enclosing) {
    console.error(
      `warning: ${programDir} has no package.json and its Pulumi.yaml no main, so the language host runs ${enclosing} (the main of an enclosing package.json); set main in Pulumi.yaml to run this folder's program`,
    );
  }
  const { message, uncontained } = await runHost(programDir, installDir, nodeArgs, hostJob, job);
  if (message.kind === "failed") {
    throw new CheckError(describeProgramFailure(message.failure, installDir));
  }
  return { ...message.run, ...(uncontained ? { uncontained } : {}) };
}

async function runHost(
  programDir: string,
  installDir: string,
  nodeArgs: string[],
  hostJob: HostJob,
  job: ProgramJob,
): Promise<{ message: HostMessage; uncontained?: string }> {
  const run = spawnContained(process.execPath, [...nodeArgs, hostScript()], {
    cwd: programDir,
    env: {},
    passEnv: job.passEnv ?? [],
    allowNetwork: job.allowNetwork ?? false,
    writableDirs: [],
    // A program may build into its own folder (as this project's bundles go to dist/).
    copyOnWriteDirs: [installDir],
    stdio: ["ignore", "ignore", "pipe", "ipc"],
  });
  try {
    const message = await hostAnswer(run.child, hostJob, job.timeoutMs);
    return { message, ...(run.whyUncontained ? { uncontained: run.whyUncontained } : {}) };
  } finally {
    // Every process the program started ends before anything is reported.
    run.endAll();
  }
}

function hostAnswer(child: ChildProcess, job: HostJob, timeoutMs: number): Promise<HostMessage> {
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    if (stderr.length < 65_536) stderr += chunk.toString();
  });
  return new Promise<HostMessage>((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      reject(
        new CheckError(
          `the program did not finish within ${timeoutMs / 1000} s (a promise that never settles?); raise the limit with --timeout`,
        ),
      );
    }, timeoutMs);
    child.once("message", (message: HostMessage) => {
      clearTimeout(timer);
      resolvePromise(message);
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      const said = firstLine(stripVTControlCharacters(stderr));
      reject(
        new CheckError(
          `the program's process exited (${signal ?? code}) before it finished${said ? `: ${said}` : ""}`,
        ),
      );
    });
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(new CheckError(`the program's process could not start: ${error.message}`));
    });
    child.send(job);
  });
}

/** The child's script: program-host.ts and what it imports, bundled for this run. */
function hostScript(): string {
  const result = buildSync({
    entryPoints: [join(__dirname, "program-host.ts")],
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node18",
    // The program's own copy is loaded by path at run time, never the check's.
    external: ["@pulumi/pulumi", "@pulumi/pulumi/*"],
    write: false,
    logLevel: "silent",
  });
  // Written fresh on every run into the run's private folder: never read back from a shared path.
  const file = join(runFolder(), "program-host.js");
  writeFileSync(file, result.outputFiles[0].contents, { mode: 0o600 });
  return file;
}

function readProjectFile(programDir: string): ProjectFile {
  const path = join(programDir, "Pulumi.yaml");
  if (!existsSync(path))
    throw new CheckError(`${programDir} has no Pulumi.yaml: not a Pulumi program`);
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new CheckError(`${path} is not valid YAML: ${firstLine(messageOf(error))}`);
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new CheckError(
      `${path} is not a Pulumi project file: expected a mapping with name and runtime`,
    );
  }
  const record = raw as Record<string, unknown>;
  const runtime = record.runtime;
  const name =
    typeof runtime === "string" ? runtime : (runtime as { name?: unknown } | undefined)?.name;
  if (name !== "nodejs") {
    throw new CheckError(
      `${path} declares runtime ${JSON.stringify(name ?? null)}; the offline check runs Node.js programs (runtime: nodejs)`,
    );
  }
  const options =
    typeof runtime === "object" &&
    runtime !== null &&
    typeof (runtime as { options?: unknown }).options === "object"
      ? ((runtime as { options: Record<string, unknown> }).options ?? {})
      : {};
  return {
    ...(typeof record.main === "string" ? { main: record.main } : {}),
    runtime: { name, options },
  };
}

/** The entry point a folder with no package.json of its own gets from an enclosing one. */
function enclosingEntry(programDir: string, project: ProjectFile): string | undefined {
  if (project.main || existsSync(join(programDir, "package.json"))) return undefined;
  const root = packageRoot(programDir);
  if (root === programDir) return undefined;
  let manifest: { main?: unknown; exports?: unknown };
  try {
    manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as typeof manifest;
  } catch {
    return undefined;
  }
  const exported = manifest.exports as string | Record<string, unknown> | undefined;
  const main =
    typeof exported === "string"
      ? exported
      : typeof exported?.["."] === "string"
        ? exported["."]
        : manifest.main;
  return typeof main === "string" && existsSync(join(root, main)) ? join(root, main) : undefined;
}

/** The folder `npm install` must run in: the nearest one up with a package.json. */
function packageRoot(programDir: string): string {
  for (let dir = programDir; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) return programDir;
  }
}

function guard<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw new CheckError(firstLine(messageOf(error)));
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
