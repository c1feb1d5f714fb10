import type { StackValidationPolicy } from "@pulumi/policy";
import { TYPES, describe, ofType, read, relatedThrough } from "./stack-resources";

/** A daily (or weekly, monthly) quota is the fail-safe on how often a public API can run. */
export const stagesHaveUsageQuota: StackValidationPolicy = {
  name: "apigateway-stages-have-usage-quota",
  description: "Every API Gateway stage should be covered by a usage plan with a quota.",
  enforcementLevel: "advisory",
  severity: "medium",
  remediationSteps:
    "Declare an aws.apigateway.UsagePlan with `apiStages: [{ apiId, stage: stage.stageName }]` and `quotaSettings: { limit, period }`; with apiKeySource AUTHORIZER, return the plan's key from the authorizer so every request counts.",
  validateStack: (args, reportViolation) => {
    const plans = ofType(args.resources, TYPES.usagePlan);
    for (const stage of ofType(args.resources, TYPES.stage)) {
      const stageName = read(stage, "stageName");
      const covering = plans.filter((plan) => {
        if (relatedThrough(plan, "apiStages", TYPES.stage).some((dep) => dep.urn === stage.urn)) {
          return true;
        }
        const apiStages = read(plan, "apiStages");
        return (
          Array.isArray(apiStages) &&
          apiStages.some((entry: { stage?: unknown }) => entry?.stage === stageName)
        );
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
