// The one harness for Pulumi programs in tests: runs the real index.ts with the real
// Pulumi.prod.yaml (or a fixture program) under the engine, as a preview or an update, the way the
// offline check and `npm start` run programs (tools/engine/run-program.ts), and returns what it
// registered. `readSettingsWith` alone runs in process: it tests the settings reader, not a run.
import { resolve } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { readStackSettings } from "../../infra/config";
import type { ProgramRun, RegisteredResource } from "../../tools/engine/program-run";
import { runProgram } from "../../tools/engine/run-program";
import { loadStackConfig } from "../../tools/stack-config";

export { UNKNOWN, type ProgramRun, type RegisteredResource } from "../../tools/engine/program-run";

export const PROJECT_DIR = resolve(__dirname, "../..");
/** A test token: long enough to pass the config check, recognisable in a leak scan. */
export const TEST_AUTH_TOKEN = "test-token-5f0c8a2e9b7d4c1a8e3f6b2d9c0a7e4f";

/** The real prod stack file, as the CLI would resolve it. */
export const prodConfig = loadStackConfig(PROJECT_DIR, "prod");
export const prodValue = (key: string): string => {
  const value = prodConfig.values[`mailer-api:${key}`];
  if (value === undefined) throw new Error(`Pulumi.prod.yaml has no value for ${key}`);
  return value;
};

/**
 * The program's first step, with the prod stack's config and some values changed (a key without a
 * namespace is the project's). It runs before any resource is registered, so a throw here is what
 * `pulumi preview` reports.
 */
export async function readSettingsWith(
  config: Record<string, string>,
  secretKeys = ["mailer-api:authToken", "mailer-api:previousAuthToken"],
) {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
      call: (args) => args.inputs,
    },
    "mailer-api",
    "prod",
    true,
  );
  const qualified = Object.fromEntries(
    Object.entries(config).map(([key, value]) => [
      key.includes(":") ? key : `mailer-api:${key}`,
      value,
    ]),
  );
  pulumi.runtime.setAllConfig(
    { ...prodConfig.values, "mailer-api:authToken": TEST_AUTH_TOKEN, ...qualified },
    secretKeys,
  );
  return readStackSettings();
}

export interface TestRun {
  /** A folder holding a Pulumi.yaml. */
  programDir: string;
  preview: boolean;
  /** Fully qualified config keys over the stack file's. */
  config?: Record<string, string>;
  /** Keys of `config` that are secret. */
  secretKeys?: string[];
}

/**
 * A program run under the engine is deterministic for the same inputs (the same source, pass,
 * stack, config and secret keys: the engine's answers, ids and ARNs are a function of what is
 * registered, fake-outputs.ts), and a run leaves nothing a later one could see but the same
 * bundles. So one jest process runs each distinct program once, and every caller gets its own
 * copy of the result. The memo outlives a test file's module registry: it hangs on a Node.js
 * built-in module, which jest does not sandbox (its `process` and globals it does).
 */
const MEMO = Symbol.for("mailer-api.tests.engine-runs");
const holder = require("node:os") as { [MEMO]?: Map<string, Promise<ProgramRun>> };
const runs = (holder[MEMO] ??= new Map<string, Promise<ProgramRun>>());

export async function runProgramForTest(run: TestRun): Promise<ProgramRun> {
  const key = JSON.stringify([
    resolve(run.programDir),
    run.preview,
    Object.entries(run.config ?? {}).sort(),
    [...(run.secretKeys ?? [])].sort(),
  ]);
  let pending = runs.get(key);
  if (!pending) {
    pending = runProgram({
      programDir: run.programDir,
      stackName: "prod",
      preview: run.preview,
      config: run.config ?? {},
      secretKeys: run.secretKeys ?? [],
      timeoutMs: 110_000,
      // `tsc --noEmit` type-checks the program and the fixtures once, in npm test.
      transpileOnly: true,
      // This project's own programs, uncontained as under `pulumi up` (their bundles land).
      contained: false,
    });
    runs.set(key, pending);
    // A failed run (a machine too busy for the time limit) is not kept: the next caller retries.
    pending.catch(() => runs.delete(key));
  }
  // A JSON copy: plain data, made of this test file's own Object and Array (its own realm).
  return JSON.parse(JSON.stringify(await pending)) as ProgramRun;
}

export function runProdStack(
  options: { preview?: boolean; config?: Record<string, string>; secretKeys?: string[] } = {},
): Promise<ProgramRun> {
  return runProgramForTest({
    programDir: PROJECT_DIR,
    preview: options.preview ?? false,
    config: { "mailer-api:authToken": TEST_AUTH_TOKEN, ...options.config },
    secretKeys: ["mailer-api:authToken", ...(options.secretKeys ?? [])],
  });
}

export function ofType(run: ProgramRun, type: string): RegisteredResource[] {
  return run.resources.filter((resource) => resource.type === type);
}

export function oneOf(run: ProgramRun, type: string, name?: string): RegisteredResource {
  const matches = ofType(run, type).filter(
    (resource) => name === undefined || resource.name === name,
  );
  if (matches.length !== 1) {
    throw new Error(`expected one ${type}${name ? ` named ${name}` : ""}, found ${matches.length}`);
  }
  return matches[0];
}
