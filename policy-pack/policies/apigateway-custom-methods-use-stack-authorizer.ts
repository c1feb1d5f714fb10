import type { StackValidationPolicy } from "@pulumi/policy";
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

/**
 * An authorization type alone proves nothing: the method must name an authorizer, and that
 * authorizer must be declared in this stack for the same API.
 */
export const customMethodsUseStackAuthorizer: StackValidationPolicy = {
  name: "apigateway-custom-methods-use-stack-authorizer",
  description:
    "Every REST API with methods must declare an Authorizer in the stack, and each CUSTOM or Cognito method must be wired to one of the API's authorizers.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    "Declare an aws.apigateway.Authorizer for the API and pass its `id` as the method's `authorizerId`.",
  // No options beyond the enforcement level every policy takes.
  configSchema: { properties: {} },
  validateStack: (args, reportViolation) => {
    const authorizers = ofType(args.resources, TYPES.authorizer);
    const methods = ofType(args.resources, TYPES.method);
    const apis = new Map<string, string>();
    for (const method of methods) apis.set(restApiKey(method), describe(method));

    for (const [api, example] of apis) {
      const own = authorizers.filter((authorizer) => restApiKey(authorizer) === api);
      if (own.length === 0) {
        const apiResource = args.resources.find((resource) => resource.urn === api);
        reportViolation(
          `${apiResource ? describe(apiResource) : "A REST API"} has methods (such as ${example}) but no Authorizer is declared for it in this stack. Declare an aws.apigateway.Authorizer for the API and pass its \`id\` as each method's \`authorizerId\`.`,
          apiResource?.urn,
        );
      }
    }

    for (const method of methods) {
      const authorization = read(method, "authorization");
      if (authorization !== "CUSTOM" && authorization !== "COGNITO_USER_POOLS") continue;
      const wiredTo = relatedThrough(method, "authorizerId", TYPES.authorizer);
      const sameApi = wiredTo.filter((authorizer) => restApiKey(authorizer) === restApiKey(method));
      if (sameApi.length > 0) continue;
      const authorizerId = read(method, "authorizerId");
      const problem =
        wiredTo.length > 0
          ? "is wired to an authorizer of another API"
          : authorizerId === undefined || authorizerId === ""
            ? "names no authorizerId"
            : authorizerId === UNKNOWN
              ? "takes its authorizerId from something that is not an Authorizer of this stack"
              : `names authorizer "${String(authorizerId)}", which is not declared in this stack`;
      reportViolation(
        `${describe(method)} (${methodRoute(method)}) ${problem}. Pass an Authorizer of the same API as \`authorizerId: authorizer.id\`.`,
        method.urn,
      );
    }
  },
};
