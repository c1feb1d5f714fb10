// Runs a Pulumi program under the engine (tools/engine/): its own process, started as Pulumi's
// Node.js language host starts it, registering through the engine's gRPC services, and returns
// what it registered. Every way the program cannot run ends in a CheckError with one line; the
// program's process and what it started never outlive the run.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { parse } from "yaml";
import { LOG_ERROR } from "../engine/engine-services";
import { runPass, type PassOutcome } from "../engine/run-pass";
import { configForMocks, type ProgramRun } from "../pulumi-mock-runner";
import { CheckError } from "./check-error";
import {
  describeProgramFailure,
  firstLine,
  loggedFailure,
  missingPackageLine,
} from "./program-errors";

export interface ProgramJob {
  programDir: string;
  stackName: string;
  preview: boolean;
  /** How long the program may run, registrations included. */
  timeoutMs: number;
  /** Skip the type check (another pass of the same source does it). */
  transpileOnly?: boolean;
  /** More names of the check's environment the program gets (`--pass-env`). */
  passEnv?: readonly string[];
  /** Let the contained program reach the network (`--allow-network`). */
  allowNetwork?: boolean;
}

interface ProjectFile {
  main?: string;
  runtime: { name: string; options: Record<string, unknown> };
}

export async function runProgramInChild(job: ProgramJob): Promise<ProgramRun> {
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
  const nodeArgs =
    typeof options.nodeargs === "string" ? options.nodeargs.split(/\s+/).filter(Boolean) : [];
  const enclosing = enclosingEntry(programDir, project);
  if (enclosing) {
    console.error(
      `warning: ${programDir} has no package.json and its Pulumi.yaml no main, so the language host runs ${enclosing} (the main of an enclosing package.json); set main in Pulumi.yaml to run this folder's program`,
    );
  }
  const outcome = await runPass({
    pulumiDir,
    programDir,
    projectName: stackConfig.projectName,
    stackName: job.stackName,
    preview: job.preview,
    config: stackConfig.config,
    secretKeys: stackConfig.secretKeys,
    ...(project.main ? { main: project.main } : {}),
    typescript: options.typescript !== false,
    ...(typeof options.tsconfig === "string" ? { tsconfig: options.tsconfig } : {}),
    nodeArgs,
    timeoutMs: job.timeoutMs,
    transpileOnly: job.transpileOnly === true,
    passEnv: job.passEnv ?? [],
    allowNetwork: job.allowNetwork ?? false,
    installDir,
  });
  return programRunOf(outcome, job, stackConfig.projectName, installDir);
}

function programRunOf(
  outcome: PassOutcome,
  job: ProgramJob,
  projectName: string,
  installDir: string,
): ProgramRun {
  const pass = job.preview ? "preview" : "update";
  switch (outcome.kind) {
    case "spawn-failed":
      throw new CheckError(`the program's process could not start: ${outcome.message}`);
    case "timeout":
      throw new CheckError(
        `the program did not finish within ${job.timeoutMs / 1000} s (a promise that never settles?); raise the limit with --timeout`,
      );
    case "exited": {
      const logged = outcome.record.logs.find((entry) => entry.severity === LOG_ERROR);
      if (outcome.code === 0 && !logged) {
        return {
          projectName,
          stackName: job.stackName,
          preview: job.preview,
          resources: outcome.record.resources,
          outputs: outcome.record.stackOutputs,
          secretOutputs: outcome.record.secretOutputs,
          remoteComponents: outcome.record.remoteComponents,
          ...(outcome.uncontained ? { uncontained: outcome.uncontained } : {}),
        };
      }
      if (logged) {
        throw new CheckError(
          describeProgramFailure(loggedFailure(logged.message), installDir, pass),
        );
      }
      const said = firstLine(stripVTControlCharacters(outcome.stderr));
      const missing = /Cannot find (?:module|package) '[^']+'/.test(outcome.stderr);
      if (missing) {
        throw new CheckError(
          describeProgramFailure(loggedFailure(outcome.stderr), installDir, pass),
        );
      }
      throw new CheckError(
        `the program's process exited (${outcome.signal ?? outcome.code}) before it finished${said ? `: ${said}` : ""}`,
      );
    }
  }
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
