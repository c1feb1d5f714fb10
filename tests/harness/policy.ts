// The one harness for policy tests: runs a small real Pulumi program under the engine (as a preview
// or an update, tests/harness/pulumi.ts) and calls a policy with the arguments the engine's policy server builds: properties
// behind the unknown-checking proxy, resolved dependencies, resource options, stack tags, and the
// config the CLI would send (schema defaults filled in, as the offline check does).
import {
  UnknownValueError,
  unknownCheckingProxy,
  type PolicyResource,
  type StackValidationArgs,
  type StackValidationPolicy,
} from "@pulumi/policy";
import { join } from "node:path";
import { POLICY_PACK_NAME, policies } from "../../policy-pack/policies";
import type { PackInfo } from "../../tools/policy-check/analyzer-client";
import { resolvePolicyConfig } from "../../tools/policy-check/policy-config";
import { runProgramForTest, type ProgramRun } from "./pulumi";

export const FIXTURES_DIR = join(__dirname, "../fixtures/programs");

export function runFixture(name: string, preview: boolean): Promise<ProgramRun> {
  return runProgramForTest({ programDir: join(FIXTURES_DIR, name), preview });
}

export interface PolicyOutcome {
  violations: Array<{ message: string; urn?: string }>;
  /** Set when the policy marked itself not applicable. */
  notApplicable?: string;
  /** Set when the policy read a value unknown at preview (the engine then downgrades it). */
  unknownAtPreview?: string;
}

export const PACK_INFO: PackInfo = {
  name: POLICY_PACK_NAME,
  version: "0.0.0",
  policies: policies.map((policy) => ({
    name: policy.name,
    description: policy.description,
    enforcementLevel: policy.enforcementLevel ?? "advisory",
    ...(policy.configSchema ? { configSchema: policy.configSchema } : {}),
  })),
};

class NotApplicable extends Error {}

export function stackResources(run: ProgramRun): PolicyResource[] {
  const byUrn = new Map<string, PolicyResource>();
  const resources = run.resources.map((registered) => {
    // A JSON copy, not structuredClone: the proxy only wraps objects of this realm.
    const props = unknownCheckingProxy(JSON.parse(JSON.stringify(registered.inputs)));
    const resource: PolicyResource = {
      type: registered.type,
      props,
      urn: registered.urn,
      name: registered.name,
      opts: {
        protect: registered.options.protect ?? false,
        ignoreChanges: registered.options.ignoreChanges ?? [],
        deleteBeforeReplace: registered.options.deleteBeforeReplace,
        aliases: registered.options.aliases ?? [],
        additionalSecretOutputs: registered.options.additionalSecretOutputs ?? [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
      },
      dependencies: [],
      propertyDependencies: {},
      isType: () => false,
      asType: () => undefined,
    };
    byUrn.set(resource.urn, resource);
    return resource;
  });
  run.resources.forEach((registered, index) => {
    const resource = resources[index];
    const lookup = (urns: string[]) =>
      urns.map((urn) => byUrn.get(urn)).filter((dep): dep is PolicyResource => dep !== undefined);
    if (registered.parent) resource.parent = byUrn.get(registered.parent);
    resource.dependencies = lookup(registered.dependencies);
    for (const [property, urns] of Object.entries(registered.propertyDependencies)) {
      resource.propertyDependencies[property] = lookup(urns);
    }
  });
  return resources;
}

export async function validateStack(
  policy: StackValidationPolicy,
  run: ProgramRun,
  options: { config?: Record<string, unknown>; stackTags?: Record<string, string> } = {},
): Promise<PolicyOutcome> {
  const config = resolvePolicyConfig(PACK_INFO, {
    [policy.name]: { ...(options.config ?? {}) },
  })[policy.name].properties;
  const outcome: PolicyOutcome = { violations: [] };
  const args: StackValidationArgs = {
    resources: stackResources(run),
    stackTags: new Map(Object.entries(options.stackTags ?? {})),
    getConfig: <T extends object>() => config as T,
    notApplicable: (reason?: string): never => {
      throw new NotApplicable(reason ?? "");
    },
  };
  try {
    await policy.validateStack(args, (message, urn) => {
      outcome.violations.push({ message, ...(urn ? { urn } : {}) });
    });
  } catch (error) {
    if (error instanceof NotApplicable) outcome.notApplicable = error.message;
    else if (error instanceof UnknownValueError)
      outcome.unknownAtPreview = (error as Error).message;
    else throw error;
  }
  return outcome;
}

/** Runs a fixture both ways and checks the policy the same way in each. */
export const BOTH_MODES = [
  ["an update", false],
  ["a preview", true],
] as const;
