import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { allowIamSchema, type AllowIamConfig } from "./allow-iam-authorization";
import { openOperations, parseDefinition, type AuthorizerRules } from "./openapi";
import { TYPES, UNKNOWN, describe, dig, ofType, read } from "./stack-resources";

const REST_AUTHORIZER_TYPES = ["token", "request", "cognito_user_pools"];
const FIX =
  "Give every operation (or the whole document) a `security` requirement naming a scheme with an `x-amazon-apigateway-authorizer` of type token, request or cognito_user_pools; only an OPTIONS preflight with a `mock` integration may stay open.";

/**
 * REST APIs defined by an OpenAPI document instead of Method resources: the `body` of a RestApi
 * or RestApiPut, and `@pulumi/aws-apigateway`'s RestAPI component, whose routes are its inputs
 * (offline its children do not exist; under the engine they do, so both are judged alike).
 */
export const openApiOperationsRequireAuthorizer: StackValidationPolicy = {
  name: "apigateway-openapi-operations-require-authorizer",
  description:
    "Every operation of a REST API defined by an OpenAPI body (RestApi, RestApiPut, @pulumi/aws-apigateway RestAPI) must require an authorizer; a body unknown at preview is refused as unverifiable.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: FIX,
  configSchema: allowIamSchema(
    "Whether AWS_IAM (awsSigv4, iamAuthEnabled) counts as an authorizer.",
  ),
  validateStack: (args, reportViolation) => {
    const { allowIamAuthorization } = args.getConfig<AllowIamConfig>();
    const rules: AuthorizerRules = {
      authorizerTypes: REST_AUTHORIZER_TYPES,
      allowIam: allowIamAuthorization,
    };
    const definitions = [
      ...ofType(args.resources, TYPES.restApi),
      ...ofType(args.resources, TYPES.restApiPut),
    ];
    for (const api of definitions) {
      // The component's own inputs are judged below; its child's body is often unknown.
      const componentChild = api.parent?.type === TYPES.restApiComponent;
      judgeBody(api, read(api, "body"), rules, reportViolation, componentChild);
    }
    for (const component of ofType(args.resources, TYPES.restApiComponent)) {
      judgeComponent(component, allowIamAuthorization, rules, reportViolation);
    }
  },
};

type Report = (message: string, urn?: string) => void;

function judgeBody(
  api: PolicyResource,
  body: unknown,
  rules: AuthorizerRules,
  report: Report,
  unknownIsJudgedElsewhere = false,
): void {
  if (body === undefined || body === null || body === "") return;
  if (body === UNKNOWN) {
    if (unknownIsJudgedElsewhere) return;
    report(
      `${describe(api)}: its OpenAPI body is not known before deployment (it is computed from other resources, such as a new function's ARN), so no operation can be shown to require an authorizer. Build the body from values known at preview (for example an integration URI through a stage variable), or declare Method resources with CUSTOM authorization.`,
      api.urn,
    );
    return;
  }
  if (typeof body !== "string") {
    report(`${describe(api)}: its body is not a JSON or YAML string. ${FIX}`, api.urn);
    return;
  }
  let verdict;
  try {
    verdict = openOperations(parseDefinition(body), rules);
  } catch (error) {
    report(
      `${describe(api)}: its OpenAPI body cannot be read (${(error as Error).message}), so no operation can be shown to require an authorizer.`,
      api.urn,
    );
    return;
  }
  for (const operation of verdict.open) {
    report(
      `${describe(api)}: ${operation.method} ${operation.path} is open: ${operation.reason}. ${FIX}`,
      api.urn,
    );
  }
}

function judgeComponent(
  component: PolicyResource,
  allowIam: boolean,
  rules: AuthorizerRules,
  report: Report,
): void {
  judgeBody(component, read(component, "swaggerString"), rules, report);
  const routes = read(component, "routes");
  if (routes === UNKNOWN) {
    report(
      `${describe(component)}: its routes are not known before deployment, so none can be shown to require an authorizer. Pass the routes as a literal list.`,
      component.urn,
    );
    return;
  }
  if (!Array.isArray(routes)) return;
  routes.forEach((_route, index) => {
    const at = (...path: string[]) => dig(routes, index, ...path);
    const method = String(at("method") === undefined ? "ANY" : at("method")).toUpperCase();
    const path = String(at("path"));
    if (method === "OPTIONS" && String(at("target", "type")).toLowerCase() === "mock") return;
    if (at("iamAuthEnabled") === true && allowIam) return;
    const authorizers = at("authorizers");
    const count = Array.isArray(authorizers) ? authorizers.length : 0;
    const protectedBy = Array.from({ length: count }, (_, i) => i).some((i) =>
      isRouteAuthorizer(dig(authorizers, i), rules),
    );
    if (protectedBy) return;
    const why =
      at("iamAuthEnabled") === true
        ? "it relies on iamAuthEnabled, which the config does not count as an authorizer"
        : count > 0
          ? "its authorizers name neither a Lambda handler nor a Cognito user pool"
          : "it has no `authorizers`";
    report(
      `${describe(component)}: route ${method} ${path} is open: ${why}. Add \`authorizers: [{ authType: "custom", type: "token", parameterName: "Authorization", handler }]\` (or a Cognito authorizer with \`providerARNs\`) to the route; only an OPTIONS route with a mock target may stay open.`,
      component.urn,
    );
  });
}

/** A route authorizer of the component: a Lambda handler (token or request) or Cognito pools. */
function isRouteAuthorizer(authorizer: unknown, rules: AuthorizerRules): boolean {
  const field = (name: string) => dig(authorizer, name);
  const type = String(field("type") ?? "token").toLowerCase();
  const authType = String(field("authType") ?? "").toLowerCase();
  const handler = field("handler");
  const pools = field("providerARNs");
  // The component makes a Cognito authorizer of any entry with user pools, whatever its type.
  const hasPools = pools === UNKNOWN || (Array.isArray(pools) && pools.length > 0);
  if (hasPools) return true;
  if (authType === "cognito_user_pools" || type === "cognito_user_pools") return false;
  return rules.authorizerTypes.includes(type) && handler !== undefined && handler !== null;
}
