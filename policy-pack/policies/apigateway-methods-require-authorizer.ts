import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { allowIamSchema, type AllowIamConfig } from "./allow-iam-authorization";
import {
  TYPES,
  UNKNOWN,
  describe,
  methodRoute,
  ofType,
  ownIntegrations,
  read,
} from "./stack-resources";

const AUTHORIZER_TYPES = ["CUSTOM", "COGNITO_USER_POOLS"];

/**
 * Every method but the CORS preflight must be behind an authorizer, and the preflight is open only
 * when API Gateway answers it itself (a MOCK integration): an OPTIONS method proxied to a function
 * would run code for anyone.
 */
export const methodsRequireAuthorizer: StackValidationPolicy = {
  name: "apigateway-methods-require-authorizer",
  description:
    "Every API Gateway method must be protected by an authorizer (CUSTOM or Cognito); only an OPTIONS preflight answered by a MOCK integration may be open.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    'Set `authorization: "CUSTOM"` and `authorizerId` to a token authorizer on the method (or use a Cognito authorizer). Only the CORS preflight (OPTIONS) may be open, and only with a MOCK integration.',
  configSchema: allowIamSchema(),
  validateStack: (args, reportViolation) => {
    const { allowIamAuthorization } = args.getConfig<AllowIamConfig>();
    const allowed = allowIamAuthorization ? [...AUTHORIZER_TYPES, "AWS_IAM"] : AUTHORIZER_TYPES;
    for (const method of ofType(args.resources, TYPES.method)) {
      const httpMethod = read(method, "httpMethod");
      const authorization = read(method, "authorization");
      if (httpMethod === "OPTIONS" && !allowed.includes(String(authorization))) {
        const problem = preflightProblem(method, ofType(args.resources, TYPES.integration));
        if (problem) {
          const route = methodRoute(method);
          reportViolation(`${describe(method)} (${route}) is open, but ${problem}`, method.urn);
        }
        continue;
      }
      if (authorization === UNKNOWN) {
        reportViolation(
          `${describe(method)} (${methodRoute(method)}): its authorization is not known before deployment, so it cannot be shown to be protected. Set it to a literal such as "CUSTOM".`,
          method.urn,
        );
      } else if (typeof authorization !== "string" || !allowed.includes(authorization)) {
        reportViolation(
          `${describe(method)} (${String(httpMethod)}) has authorization "${String(authorization)}"; it must be ${allowed.join(" or ")}. Route: ${methodRoute(method)}.`,
          method.urn,
        );
      }
    }
  },
};

/**
 * Why an open OPTIONS method is not a gateway-answered preflight, or undefined when it is. Only
 * its own integration counts, never another method's MOCK built from it.
 */
function preflightProblem(
  method: PolicyResource,
  integrations: PolicyResource[],
): string | undefined {
  const own = ownIntegrations(method, integrations);
  if (own.length === 0) {
    return 'no Integration for it is declared in this stack, so it cannot be shown to be a MOCK preflight. Declare its Integration with `type: "MOCK"` (or put the method behind the authorizer).';
  }
  const types = own.map((integration) => read(integration, "type"));
  if (types.every((type) => type === "MOCK")) return undefined;
  const shown = types.map((type) => (type === UNKNOWN ? "unknown at preview" : String(type)));
  return `its integration is ${shown.join(", ")}, so it runs a backend for anyone. Answer the preflight with a \`type: "MOCK"\` integration, or put the method behind the authorizer.`;
}
