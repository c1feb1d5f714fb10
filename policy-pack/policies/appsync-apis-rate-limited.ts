import type { StackValidationPolicy } from "@pulumi/policy";
import { lambdaBackedApis } from "./appsync-apis";
import { TYPES, describe } from "./stack-resources";
import { hasBlockingRateRule, webAclsOf } from "./waf-rate-rules";

/**
 * AppSync has no throttle of its own that an API owner sets: the one rate limit in front of its
 * resolvers is an AWS WAF web ACL associated with the API, with a rate-based rule that blocks.
 */
export const appSyncApisRateLimited: StackValidationPolicy = {
  name: "appsync-apis-rate-limited",
  description:
    "An AppSync GraphQL API with a Lambda data source must have an AWS WAF web ACL associated with it, with a blocking rate-based rule (per source IP or over all requests, no scope-down).",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    'Declare an aws.wafv2.WebAcl (scope "REGIONAL") with a rule `{ action: { block: {} }, statement: { rateBasedStatement: { limit, aggregateKeyType: "IP" } } }` and an aws.wafv2.WebAclAssociation with `resourceArn: api.arn, webAclArn: webAcl.arn`.',
  // No options beyond the enforcement level every policy takes.
  configSchema: { properties: {} },
  validateStack: (args, reportViolation) => {
    for (const { api, dataSources } of lambdaBackedApis(args.resources)) {
      const acls = webAclsOf(api, TYPES.graphQlApi, args.resources);
      if (acls.some(hasBlockingRateRule)) continue;
      const state =
        acls.length === 0
          ? "has no AWS WAF web ACL associated with it"
          : `is associated with web ACL ${acls.map((acl) => `"${acl.name}"`).join(", ")}, which has no blocking rate-based rule (Count, a scope-down statement or a forwarded-header key limit no one)`;
      reportViolation(
        `${describe(api)} (Lambda data source ${dataSources.join(", ")}) ${state}: AppSync has no throttle of its own, so nothing limits how often anyone runs the functions. Associate a web ACL (aws.wafv2.WebAclAssociation, resourceArn: api.arn) with a rule whose action is block and whose statement is a rateBasedStatement.`,
        api.urn,
      );
    }
  },
};
