// Every policy of the pack, in the order reports list them. The pack itself (../index.ts) only
// serves this list; tests import it from here without starting a policy server.
import type { Policies } from "@pulumi/policy";
import { stagesHavePerIpRateLimit } from "./apigateway-stages-have-per-ip-rate-limit";
import { authorizerCacheTtlBounded } from "./authorizer-cache-ttl-bounded";
import { customMethodsUseStackAuthorizer } from "./custom-methods-use-stack-authorizer";
import { methodsRequireAuthorizer } from "./methods-require-authorizer";
import { sesSendNotOnWildcard } from "./ses-send-not-on-wildcard";
import { stagesAreThrottled } from "./stages-are-throttled";
import { stagesHaveUsageQuota } from "./stages-have-usage-quota";

export const POLICY_PACK_NAME = "mailer-api-policies";

export const policies: Policies = [
  methodsRequireAuthorizer,
  customMethodsUseStackAuthorizer,
  stagesAreThrottled,
  stagesHaveUsageQuota,
  authorizerCacheTtlBounded,
  sesSendNotOnWildcard,
  stagesHavePerIpRateLimit,
];
