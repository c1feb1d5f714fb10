import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { allowIamSchema, type AllowIamConfig } from "./allow-iam-authorization";
import {
  TYPES,
  UNKNOWN,
  describe,
  methodRoute,
  ofType,
  read,
  relatedThrough,
  restApiKey,
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

/** Why an open OPTIONS method is not a gateway-answered preflight, or undefined when it is. */
function preflightProblem(
  method: PolicyResource,
  integrations: PolicyResource[],
): string | undefined {
  const own = integrations.filter((integration) => integrates(integration, method));
  if (own.length === 0) {
    return 'no Integration for it is declared in this stack, so it cannot be shown to be a MOCK preflight. Declare its Integration with `type: "MOCK"` (or put the method behind the authorizer).';
  }
  const types = own.map((integration) => read(integration, "type"));
  if (types.every((type) => type === "MOCK")) return undefined;
  const shown = types.map((type) => (type === UNKNOWN ? "unknown at preview" : String(type)));
  return `its integration is ${shown.join(", ")}, so it runs a backend for anyone. Answer the preflight with a \`type: "MOCK"\` integration, or put the method behind the authorizer.`;
}

/** Whether an Integration is that of a method: built from it, or on the same API, resource and verb. */
function integrates(integration: PolicyResource, method: PolicyResource): boolean {
  const fromMethod = Object.values(integration.propertyDependencies)
    .flat()
    .some((dep) => dep.urn === method.urn);
  if (fromMethod) return true;
  return (
    read(integration, "httpMethod") === "OPTIONS" &&
    restApiKey(integration) === restApiKey(method) &&
    resourceKey(integration) === resourceKey(method)
  );
}

function resourceKey(resource: PolicyResource): string {
  const [child] = relatedThrough(resource, "resourceId", TYPES.apiResource);
  if (child) return child.urn;
  const [api] = relatedThrough(resource, "resourceId", TYPES.restApi);
  if (api) return `${api.urn}#root`;
  const value = read(resource, "resourceId");
  return typeof value === "string" ? `id:${value}` : "unknown";
}
