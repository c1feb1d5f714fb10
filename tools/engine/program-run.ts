// What one run of a program under the engine gives back (a `ProgramRun`), and the stack config a
// run starts from: the stack files as the CLI resolves them, with a stand-in for each secret this
// machine cannot read. Shared by the offline check, the local stack and the tests.
import { loadStackConfig } from "../stack-config";
import type { RegisteredResource } from "./registration";

export { UNKNOWN, type RegisteredResource } from "./registration";

export interface ProgramRun {
  projectName: string;
  stackName: string;
  preview: boolean;
  /** What the program registered, in order (the root Stack resource left out). */
  resources: RegisteredResource[];
  /** The stack's outputs, plain (secrets unwrapped: see secretOutputs). */
  outputs: Record<string, unknown>;
  /** Stack outputs whose value is, or contains, a secret (what the CLI shows as [secret]). */
  secretOutputs: string[];
  /** Why the program ran uncontained, when it was to run contained and could not. */
  uncontained?: string;
  /** URNs of multi-language components (registered remote: their provider makes the children). */
  remoteComponents?: string[];
}

/** A well-formed stand-in for a secret the stack file holds encrypted or not at all. */
export const UNREADABLE_SECRET_STAND_IN = "0123456789abcdef".repeat(4);

export interface RunConfig {
  projectName: string;
  /** Fully qualified keys (`project:key`) and their values; secrets in plain text. */
  config: Record<string, string>;
  secretKeys: string[];
}

/**
 * The stack's config as a run gets it, with `overrides` (fully qualified keys, as `pulumi config
 * set` would set them) on top and `extraSecretKeys` marked secret besides the stack's own.
 */
export function stackConfigForRun(
  programDir: string,
  stackName: string,
  overrides: Record<string, string> = {},
  extraSecretKeys: readonly string[] = [],
): RunConfig {
  const stackConfig = loadStackConfig(programDir, stackName);
  const config: Record<string, string> = { ...stackConfig.values };
  for (const key of [...stackConfig.encryptedKeys, ...stackConfig.missingKeys]) {
    if (stackConfig.secretKeys.includes(key)) config[key] = UNREADABLE_SECRET_STAND_IN;
  }
  return {
    projectName: stackConfig.projectName,
    config: { ...config, ...overrides },
    secretKeys: [...new Set([...stackConfig.secretKeys, ...extraSecretKeys])],
  };
}
