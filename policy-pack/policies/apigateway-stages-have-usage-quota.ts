import type { StackValidationPolicy } from "@pulumi/policy";
import { TYPES, coversStage, describe, dig, ofType, read } from "./stack-resources";

/** A daily (or weekly, monthly) quota is the fail-safe on how often a public API can run. */
export const stagesHaveUsageQuota: StackValidationPolicy = {
  name: "apigateway-stages-have-usage-quota",
  description: "Every API Gateway stage should be covered by a usage plan with a quota.",
  enforcementLevel: "advisory",
  severity: "medium",
  remediationSteps:
    "Declare an aws.apigateway.UsagePlan with `apiStages: [{ apiId, stage: stage.stageName }]` and `quotaSettings: { limit, period }`; with apiKeySource AUTHORIZER, return the plan's key from the authorizer so every request counts.",
  // No options beyond the enforcement level every policy takes.
  configSchema: { properties: {} },
  validateStack: (args, reportViolation) => {
    const plans = ofType(args.resources, TYPES.usagePlan);
    for (const stage of ofType(args.resources, TYPES.stage)) {
      const covering = plans.filter((plan) => {
        const entries = read(plan, "apiStages");
        const count = Array.isArray(entries) ? entries.length : 0;
        return Array.from({ length: Math.max(count, 1) }, (_, index) => ({
          stageProperty: "apiStages",
          apiProperty: "apiStages",
          stageName: dig(entries, index, "stage"),
          apiId: dig(entries, index, "apiId"),
          listEntry: count > 1,
        })).some((reference) => coversStage(plan, reference, stage));
      });
      const withQuota = covering.filter((plan) => {
        const limit = read(plan, "quotaSettings", "limit");
        return typeof limit === "number" && limit > 0;
      });
      if (withQuota.length === 0) {
        reportViolation(
          `${describe(stage)} is not covered by a usage plan with a quota, so nothing caps how often it can run.`,
          stage.urn,
        );
      }
    }
  },
};
