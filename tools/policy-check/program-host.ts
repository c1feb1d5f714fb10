// The program's process: a Node.js process in the program's folder that runs the program the way
// Pulumi's Node.js language host does (the program's own @pulumi/pulumi, its `cmd/run` with the
// program's ts-node, TypeScript and tsconfig), under mocks installed on that same copy of the SDK.
// Bundled and started by program-process.ts; it gets its job and sends its answer over IPC.
import { existsSync } from "node:fs";
import { Module } from "node:module";
import { join } from "node:path";
import { pulumiSdkAt, runUnderMocks } from "../pulumi-mock-runner";
import type { HostJob, HostMessage } from "./program-process";

type LanguageHostRun = (
  argv: { _: string[] },
  programStarted: () => void,
  reportLoggedError: (error: unknown) => void,
  isErrorReported: (error: unknown) => boolean,
) => Promise<Record<string, unknown> | undefined>;

function send(message: HostMessage): void {
  process.send?.(message, () => process.exit(0));
}

function failure(error: unknown): HostMessage {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      kind: "failed",
      failure: {
        name: error.name,
        message: error.message,
        ...(typeof code === "string" ? { code } : {}),
      },
    };
  }
  return { kind: "failed", failure: { name: "Error", message: String(error) } };
}

/**
 * The host's `run` (cmd/run/run.js). Its sibling index.js is the host's command line, which starts
 * at once when loaded and wants an engine; run.js reads a single constant from it, so index.js is
 * stood in for by a module holding just that constant (the same in every 3.x release).
 */
function languageHostRun(pulumiDir: string): LanguageHostRun {
  const index = join(pulumiDir, "cmd", "run", "index.js");
  const standIn = new Module(index);
  standIn.filename = index;
  standIn.loaded = true;
  standIn.exports = { nodeJSProcessExitedAfterLoggingUserActionableMessage: 32 };
  require.cache[index] = standIn;
  return (require(join(pulumiDir, "cmd", "run", "run.js")) as { run: LanguageHostRun }).run;
}

async function run(job: HostJob): Promise<void> {
  // What the language host passes on from Pulumi.yaml's runtime options.
  if (job.typescript) process.env.PULUMI_NODEJS_TYPESCRIPT = "true";
  if (job.tsconfig) process.env.PULUMI_NODEJS_TSCONFIG_PATH = job.tsconfig;
  // The host connects the v8 inspector hooks before anything runs: function serialization
  // (a CallbackFunction's closure) reads them.
  const v8Hooks = join(job.pulumiDir, "runtime", "closure", "v8Hooks.js");
  if (existsSync(v8Hooks))
    await (require(v8Hooks) as { isInitializedAsync(): Promise<void> }).isInitializedAsync();
  const hostRun = languageHostRun(job.pulumiDir);
  const logged = new Set<unknown>();
  const programRun = await runUnderMocks({
    sdk: pulumiSdkAt(job.pulumiDir),
    projectName: job.projectName,
    stackName: job.stackName,
    preview: job.preview,
    config: job.config,
    secretKeys: job.secretKeys,
    execute: () =>
      hostRun(
        { _: [job.main ?? "."] },
        () => undefined,
        (error) => logged.add(error),
        (error) => logged.has(error),
      ),
  });
  send({ kind: "done", run: programRun });
}

process.on("uncaughtException", (error) => send(failure(error)));
// The check that started this process is gone: nothing left to answer.
process.on("disconnect", () => process.exit(0));
process.once("message", (job: HostJob) => {
  run(job).catch((error: unknown) => send(failure(error)));
});
