// The one way to run a Pulumi program here: under the engine (this folder), in its own process
// started as Pulumi's Node.js language host starts it, registering through the engine's gRPC
// services, with the stack's config (and optional overrides). The offline check, the local stack
// and the tests all call `runProgram`. Every way the program cannot run ends in a ProgramRunError
// with one line; the program's process and what it started never outlive the run.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { parse } from "yaml";
import {
  describeProgramFailure,
  firstLine,
  loggedFailure,
  missingPackageLine,
} from "../policy-check/program-errors";
import { LOG_ERROR } from "./engine-services";
import { stackConfigForRun, type ProgramRun } from "./program-run";
import { runPass, type PassOutcome } from "./run-pass";

/** Why a program could not run, in one line a user can act on. */
export class ProgramRunError extends Error {}

export interface ProgramJob {
  programDir: string;
  stackName: string;
  preview: boolean;
  /** How long the program may run, registrations included. */
  timeoutMs: number;
  /** Config over the stack file's (fully qualified keys), as `pulumi config set` would set it. */
  config?: Record<string, string>;
  /** Keys to treat as secret besides those the stack files mark (`--secret`). */
  secretKeys?: readonly string[];
  /**
   * Whether the program runs contained (the default: the offline check runs code it did not
   * write). The local stack and the tests run this project's own programs uncontained, as
   * `pulumi up` does, so what they build (the Lambda bundles) lands where their resources say.
   */
  contained?: boolean;
  /** What the one line says to do when the time is up (the check's: raise it with --timeout). */
  timeoutHint?: string;
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

export async function runProgram(job: ProgramJob): Promise<ProgramRun> {
  const programDir = resolve(job.programDir);
  const project = readProjectFile(programDir);
  const stackConfig = guard(() =>
    stackConfigForRun(programDir, job.stackName, job.config, job.secretKeys),
  );
  const installDir = packageRoot(programDir);
  let pulumiDir: string;
  try {
    pulumiDir = dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [programDir] }));
  } catch {
    throw new ProgramRunError(missingPackageLine("@pulumi/pulumi", installDir));
  }
  const sdkVersion = (
    JSON.parse(readFileSync(join(pulumiDir, "package.json"), "utf8")) as { version?: string }
  ).version;
  if (!/^v?3\./.test(sdkVersion ?? "")) {
    throw new ProgramRunError(
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
    contained: job.contained ?? true,
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
      throw new ProgramRunError(`the program's process could not start: ${outcome.message}`);
    case "timeout":
      throw new ProgramRunError(
        `the program did not finish within ${job.timeoutMs / 1000} s (a promise that never settles?); ${job.timeoutHint ?? "raise the limit with --timeout"}`,
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
        throw new ProgramRunError(
          describeProgramFailure(loggedFailure(logged.message), installDir, pass),
        );
      }
      const said = firstLine(stripVTControlCharacters(outcome.stderr));
      const missing = /Cannot find (?:module|package) '[^']+'/.test(outcome.stderr);
      if (missing) {
        throw new ProgramRunError(
          describeProgramFailure(loggedFailure(outcome.stderr), installDir, pass),
        );
      }
      throw new ProgramRunError(
        `the program's process exited (${outcome.signal ?? outcome.code}) before it finished${said ? `: ${said}` : ""}`,
      );
    }
  }
}

function readProjectFile(programDir: string): ProjectFile {
  const path = join(programDir, "Pulumi.yaml");
  if (!existsSync(path))
    throw new ProgramRunError(`${programDir} has no Pulumi.yaml: not a Pulumi program`);
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new ProgramRunError(`${path} is not valid YAML: ${firstLine(messageOf(error))}`);
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new ProgramRunError(
      `${path} is not a Pulumi project file: expected a mapping with name and runtime`,
    );
  }
  const record = raw as Record<string, unknown>;
  const runtime = record.runtime;
  const name =
    typeof runtime === "string" ? runtime : (runtime as { name?: unknown } | undefined)?.name;
  if (name !== "nodejs") {
    throw new ProgramRunError(
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
    throw new ProgramRunError(firstLine(messageOf(error)));
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
