// Every policy of the pack, in the order reports list them, grouped by what they guard. The pack
// itself (../index.ts) only serves this list; tests import it from here without starting a
// policy server.
import type { Policies } from "@pulumi/policy";
import { openApiOperationsRequireAuthorizer } from "./apigateway-openapi-operations-require-authorizer";
import { httpRoutesRequireAuthorizer } from "./apigatewayv2-routes-require-authorizer";
import { httpStagesThrottled } from "./apigatewayv2-stages-throttled";
import { stagesHavePerIpRateLimit } from "./apigateway-stages-have-per-ip-rate-limit";
import { authorizerCacheTtlBounded } from "./apigateway-authorizer-cache-ttl-bounded";
import { customMethodsUseStackAuthorizer } from "./apigateway-custom-methods-use-stack-authorizer";
import { functionUrlsRequireAuth } from "./lambda-function-urls-require-auth";
import { lambdaPermissionsNotPublic } from "./lambda-permissions-not-public";
import { lbLambdaTargetsProtected } from "./lb-lambda-targets-protected";
import { policyWaivers } from "./policy-waivers";
import { methodsRequireAuthorizer } from "./apigateway-methods-require-authorizer";
import { sesSendNotOnWildcard } from "./iam-ses-send-not-on-wildcard";
import { stagesAreThrottled } from "./apigateway-stages-throttled";
import { stagesHaveUsageQuota } from "./apigateway-stages-have-usage-quota";
import { lambdaEventSourcesNotPublic } from "./lambda-event-sources-not-public";
import { appSyncLambdaResolversRequireAuthorizer } from "./appsync-lambda-resolvers-require-authorizer";
import { appSyncApisRateLimited } from "./appsync-apis-rate-limited";
import { cloudFormationEntryPointsProtected } from "./cloudformation-entry-points-protected";
import { cognitoGuestsCannotInvokeLambda } from "./cognito-guests-cannot-invoke-lambda";

export const POLICY_PACK_NAME = "mailer-api-policies";

/** Nothing reaches a function without an authorizer: every HTTP entry point the pack knows. */
const entryPointsRequireAuthorizer: Policies = [
  methodsRequireAuthorizer,
  customMethodsUseStackAuthorizer,
  openApiOperationsRequireAuthorizer,
  httpRoutesRequireAuthorizer,
  functionUrlsRequireAuth,
  lambdaPermissionsNotPublic,
  lbLambdaTargetsProtected,
];

/** Nothing reaches a function faster than the configured rate. */
const entryPointsRateLimited: Policies = [
  stagesAreThrottled,
  httpStagesThrottled,
  stagesHaveUsageQuota,
  stagesHavePerIpRateLimit,
];

/** Hygiene around the guard: caching of authorizer decisions, what the mailer may send. */
const hygiene: Policies = [authorizerCacheTtlBounded, sesSendNotOnWildcard];

/** Entry points beyond HTTP: public event sources, AppSync, CloudFormation and Cloud Control. */
const otherEntryPoints: Policies = [
  lambdaEventSourcesNotPublic,
  appSyncLambdaResolversRequireAuthorizer,
  appSyncApisRateLimited,
  cloudFormationEntryPointsProtected,
  cognitoGuestsCannotInvokeLambda,
];

/** The rules for the waivers every other policy accepts (policy-waivers.ts serves it first). */
export const policies: Policies = [
  policyWaivers,
  ...entryPointsRequireAuthorizer,
  ...entryPointsRateLimited,
  ...hygiene,
  ...otherEntryPoints,
];
