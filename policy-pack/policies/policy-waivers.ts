// Waivers for every policy of the pack, without touching any policy: `withWaivers` adds a
// `waivers` list to each policy's config schema and filters what the policy reports.
//
// An Analyzer diagnostic carries its own enforcement level: @pulumi/policy 1.21's reportViolation
// also takes an object ({ message, urn, enforcementLevel }) and sends that level instead of the
// policy's (server.js, makeReportViolationFun). A waived violation is reported that way, as
// advisory under the same policy's name, so `pulumi preview` shows it and does not fail.
// The pack-wide rules live in the config of the policy `policy-waivers`, which runs first.
import type {
  Policies,
  PolicyConfigSchema,
  ReportViolation,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import {
  DEFAULT_MAX_WAIVER_DAYS,
  WAIVERS_SCHEMA,
  isActive,
  logicalName,
  names,
  unusedText,
  utcDay,
  waivedText,
  waiversProblem,
  expiredText,
  type Waiver,
} from "./waivers";

export const POLICY_WAIVERS = "policy-waivers";

interface ViolationInfo {
  message: string;
  urn?: string;
  enforcementLevel: "advisory";
}

/** The pack-wide waiver rules, read from this policy's config when a stack is analyzed. */
const rules = { maxWaiverDays: DEFAULT_MAX_WAIVER_DAYS };

/** Holds the rules for every waiver; it runs first (see `withWaivers`) and reports nothing. */
export const policyWaivers: StackValidationPolicy = {
  name: POLICY_WAIVERS,
  description:
    "Rules for the waivers any policy of this pack accepts: the longest a waiver may run (maxWaiverDays). Reports nothing itself.",
  enforcementLevel: "advisory",
  severity: "low",
  remediationSteps:
    'Set `"policy-waivers": { "maxWaiverDays": 90 }` in the policy pack config to allow shorter waivers; each policy takes `waivers: [{ resource, reason, owner, expires }]`.',
  configSchema: {
    properties: {
      maxWaiverDays: {
        type: "integer",
        minimum: 1,
        default: DEFAULT_MAX_WAIVER_DAYS,
        description: "The latest a waiver may expire, in days from today.",
      },
    },
  },
  validateStack: (args) => {
    const { maxWaiverDays } = args.getConfig<{ maxWaiverDays?: number }>();
    rules.maxWaiverDays = maxWaiverDays ?? DEFAULT_MAX_WAIVER_DAYS;
  },
};

/**
 * The pack's policies as served: `policy-waivers` first (the server runs policies in order, so
 * its rules are read before any waiver is checked), then every other policy accepting waivers.
 */
export function withWaivers(policies: Policies, now: () => Date = () => new Date()): Policies {
  return [
    policyWaivers,
    ...policies
      .filter((policy) => policy !== policyWaivers)
      .map((policy) => ("validateStack" in policy ? waivable(policy, now) : policy)),
  ];
}

function waivable(policy: StackValidationPolicy, now: () => Date): StackValidationPolicy {
  const schema: PolicyConfigSchema = policy.configSchema ?? { properties: {} };
  return {
    ...policy,
    configSchema: { ...schema, properties: { ...schema.properties, waivers: WAIVERS_SCHEMA } },
    validateStack: async (args: StackValidationArgs, reportViolation: ReportViolation) => {
      const waivers = args.getConfig<{ waivers?: Waiver[] }>().waivers ?? [];
      const today = utcDay(now());
      const problem = waiversProblem(policy.name, waivers, today, rules.maxWaiverDays);
      if (problem) throw new Error(problem);
      if (waivers.length === 0) return policy.validateStack(args, reportViolation);

      const found: Array<{ message: string; urn?: string }> = [];
      // A policy that stops (a value unknown at preview, not applicable) still has what it found
      // reported; only whether a waiver went unused is then not known.
      let stopped: unknown;
      try {
        await policy.validateStack(args, (message, urn) => found.push({ message, urn }));
      } catch (error) {
        stopped = error ?? new Error("stopped");
      }
      const report = reportViolation as unknown as (violation: ViolationInfo) => void;
      const advise = (message: string, urn?: string) =>
        report({
          message: `${policy.description}\n${message}`,
          ...(urn ? { urn } : {}),
          enforcementLevel: "advisory",
        });
      const used = new Set<Waiver>();
      const ambiguous = new Map<Waiver, number>();
      for (const waiver of waivers) {
        const count = args.resources.filter((resource) => names(waiver, resource.urn)).length;
        if (count > 1) ambiguous.set(waiver, count);
      }
      for (const violation of found) {
        const waiver = violation.urn
          ? waivers.find((w) => names(w, violation.urn!) && !ambiguous.has(w))
          : undefined;
        if (!waiver) reportViolation(violation.message, violation.urn);
        else if (!isActive(waiver, today)) {
          used.add(waiver);
          reportViolation(expiredText(waiver, violation.message), violation.urn);
        } else {
          used.add(waiver);
          advise(waivedText(waiver, violation.message), violation.urn);
        }
      }
      if (stopped !== undefined) throw stopped;
      for (const waiver of waivers.filter((w) => !used.has(w))) {
        const match = args.resources.find((resource) => names(waiver, resource.urn));
        const why = ambiguous.has(waiver)
          ? `the name matches ${ambiguous.get(waiver)} resources of this stack; name one by its URN`
          : match
            ? `${logicalName(match.urn)} does not violate ${policy.name}`
            : `no resource of this stack is named ${JSON.stringify(waiver.resource)}`;
        advise(unusedText(waiver, why), match?.urn);
      }
    },
  };
}
