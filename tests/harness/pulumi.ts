// The one harness for the Pulumi program: runs the real index.ts with the real Pulumi.prod.yaml
// under mocks (normal or preview mode) and returns what it registered.
import { resolve } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { readStackSettings } from "../../infra/config";
import { loadStackConfig } from "../../tools/stack-config";
import {
  runProgramUnderMocks,
  type ProgramRun,
  type RegisteredResource,
} from "../../tools/pulumi-mock-runner";

export { UNKNOWN, type ProgramRun, type RegisteredResource } from "../../tools/pulumi-mock-runner";

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

/** jest keeps its own module registry: load the program in a fresh one on each run. */
export function loadInIsolation(entry: string): unknown {
  let program: unknown;
  jest.isolateModules(() => {
    program = require(entry);
  });
  return program;
}

export function runProdStack(
  options: { preview?: boolean; config?: Record<string, string>; secretKeys?: string[] } = {},
): Promise<ProgramRun> {
  return runProgramUnderMocks({
    programDir: PROJECT_DIR,
    stackName: "prod",
    preview: options.preview ?? false,
    config: { "mailer-api:authToken": TEST_AUTH_TOKEN, ...options.config },
    secretKeys: ["mailer-api:authToken", ...(options.secretKeys ?? [])],
    load: loadInIsolation,
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
