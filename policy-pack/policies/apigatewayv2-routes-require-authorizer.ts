import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { allowIamSchema, type AllowIamConfig } from "./allow-iam-authorization";
import { openOperations, parseDefinition } from "./openapi";
import {
  TYPES,
  UNKNOWN,
  describe,
  ofType,
  ownerKey,
  read,
  relatedThrough,
} from "./stack-resources";

const API_PROPERTIES = ["apiId"];

/**
 * HTTP and WebSocket APIs (API Gateway v2). An HTTP API runs each route's integration for anyone
 * unless the route names a JWT or Lambda (CUSTOM) authorizer; a WebSocket API checks callers only
 * on `$connect`. A quick-create API (`target` on the Api) is a `$default` route with neither.
 */
export const httpRoutesRequireAuthorizer: StackValidationPolicy = {
  name: "apigatewayv2-routes-require-authorizer",
  description:
    "Every HTTP API route (and a WebSocket API's $connect) must use a JWT or CUSTOM authorizer; quick-create APIs (an Api with `target`) are refused.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    'Give each aws.apigatewayv2.Route `authorizationType: "JWT"` (or "CUSTOM") and `authorizerId: authorizer.id` of an aws.apigatewayv2.Authorizer; declare a WebSocket API\'s `$connect` route that way; replace an Api\'s `target` with explicit Integration, Route and throttled Stage resources. For CORS, use the Api\'s `corsConfiguration` instead of open OPTIONS routes.',
  configSchema: allowIamSchema(),
  validateStack: (args, reportViolation) => {
    const { allowIamAuthorization } = args.getConfig<AllowIamConfig>();
    const allowed = allowIamAuthorization ? ["JWT", "CUSTOM", "AWS_IAM"] : ["JWT", "CUSTOM"];
    const routes = ofType(args.resources, TYPES.httpRoute);
    const apis = ofType(args.resources, TYPES.httpApi);

    for (const api of apis) {
      const target = read(api, "target");
      if (target !== undefined && target !== null && target !== "") {
        const routeKey = read(api, "routeKey");
        const route = typeof routeKey === "string" ? routeKey : "$default";
        reportViolation(
          `${describe(api)} is a quick-create API (\`target\` set): its route ${route} and $default stage are created with no authorizer and no throttling. Remove \`target\` and declare an Integration, a Route with a JWT or CUSTOM authorizer and a throttled Stage.`,
          api.urn,
        );
      }
      judgeBody(api, allowIamAuthorization, reportViolation);
      if (read(api, "protocolType") === "WEBSOCKET") {
        const own = routes.filter(
          (route) => ownerKey(route, API_PROPERTIES, TYPES.httpApi) === api.urn,
        );
        if (!own.some((route) => read(route, "routeKey") === "$connect")) {
          reportViolation(
            `${describe(api)} is a WebSocket API with no $connect route in this stack, so anyone can connect. Declare a $connect Route with a CUSTOM authorizer.`,
            api.urn,
          );
        }
      }
    }

    for (const route of routes) {
      const apiKey = ownerKey(route, API_PROPERTIES, TYPES.httpApi);
      const api = apis.find((candidate) => candidate.urn === apiKey);
      const routeKey = read(route, "routeKey");
      const key = typeof routeKey === "string" ? routeKey : "(route key unknown at preview)";
      // On a WebSocket API only $connect can carry an authorizer; it guards the connection.
      if (api && read(api, "protocolType") === "WEBSOCKET" && routeKey !== "$connect") continue;
      const authorization = read(route, "authorizationType");
      if (authorization === UNKNOWN) {
        reportViolation(
          `${describe(route)} (${key}): its authorizationType is not known before deployment, so it cannot be shown to be protected. Set it to a literal "JWT" or "CUSTOM".`,
          route.urn,
        );
        continue;
      }
      if (typeof authorization !== "string" || !allowed.includes(authorization)) {
        reportViolation(
          `${describe(route)} (${key}) has authorizationType "${String(authorization ?? "NONE")}"; it must be ${allowed.join(" or ")}. Set \`authorizationType: "JWT"\` (or "CUSTOM") and \`authorizerId\` to an aws.apigatewayv2.Authorizer of this API.`,
          route.urn,
        );
        continue;
      }
      if (authorization === "AWS_IAM") continue;
      const problem = authorizerProblem(route);
      if (problem) reportViolation(`${describe(route)} (${key}) ${problem}`, route.urn);
    }
  },
};

function authorizerProblem(route: PolicyResource): string | undefined {
  if (relatedThrough(route, "authorizerId", TYPES.httpAuthorizer).length > 0) return undefined;
  const id = read(route, "authorizerId");
  if (id === undefined || id === null || id === "") {
    return "names no authorizerId, so API Gateway has no authorizer to run. Set `authorizerId: authorizer.id`.";
  }
  if (id === UNKNOWN) {
    return "takes its authorizerId from something that is not an aws.apigatewayv2.Authorizer of this stack. Set `authorizerId: authorizer.id`.";
  }
  return undefined;
}

/** An HTTP API may be imported from an OpenAPI body, with its authorizers in the document. */
function judgeBody(
  api: PolicyResource,
  allowIam: boolean,
  report: (message: string, urn?: string) => void,
): void {
  const body = read(api, "body");
  if (body === undefined || body === null || body === "") return;
  if (body === UNKNOWN) {
    report(
      `${describe(api)}: its OpenAPI body is not known before deployment, so no route can be shown to require an authorizer. Build the body from values known at preview, or declare Route resources with JWT or CUSTOM authorization.`,
      api.urn,
    );
    return;
  }
  try {
    const verdict = openOperations(parseDefinition(String(body)), {
      authorizerTypes: ["jwt", "request"],
      allowIam,
    });
    for (const operation of verdict.open) {
      report(
        `${describe(api)}: ${operation.method} ${operation.path} is open: ${operation.reason}. Name a scheme whose \`x-amazon-apigateway-authorizer\` is of type jwt or request in the operation's \`security\`.`,
        api.urn,
      );
    }
  } catch (error) {
    report(
      `${describe(api)}: its OpenAPI body cannot be read (${(error as Error).message}), so no route can be shown to require an authorizer.`,
      api.urn,
    );
  }
}
