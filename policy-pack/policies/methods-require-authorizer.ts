import type { StackValidationPolicy } from "@pulumi/policy";
import { TYPES, UNKNOWN, describe, ofType, read } from "./stack-resources";

export interface MethodsRequireAuthorizerConfig {
  allowIamAuthorization: boolean;
}

const AUTHORIZER_TYPES = ["CUSTOM", "COGNITO_USER_POOLS"];

/** Every method but the CORS preflight must be behind an authorizer. */
export const methodsRequireAuthorizer: StackValidationPolicy = {
  name: "apigateway-methods-require-authorizer",
  description:
    "Every API Gateway method other than OPTIONS must be protected by an authorizer (CUSTOM or Cognito).",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    'Set `authorization: "CUSTOM"` and `authorizerId` to a token authorizer on the method (or use a Cognito authorizer). Only the CORS preflight (OPTIONS) may be open.',
  configSchema: {
    properties: {
      allowIamAuthorization: {
        type: "boolean",
        default: false,
        description: "Whether AWS_IAM (SigV4-signed callers) counts as an authorizer.",
      },
    },
  },
  validateStack: (args, reportViolation) => {
    const { allowIamAuthorization } = args.getConfig<MethodsRequireAuthorizerConfig>();
    const allowed = allowIamAuthorization ? [...AUTHORIZER_TYPES, "AWS_IAM"] : AUTHORIZER_TYPES;
    for (const method of ofType(args.resources, TYPES.method)) {
      const httpMethod = read(method, "httpMethod");
      if (httpMethod === "OPTIONS") continue;
      const authorization = read(method, "authorization");
      if (authorization === UNKNOWN) {
        reportViolation(
          `${describe(method)}: its authorization is not known before deployment, so it cannot be shown to be protected. Set it to a literal such as "CUSTOM".`,
          method.urn,
        );
      } else if (typeof authorization !== "string" || !allowed.includes(authorization)) {
        reportViolation(
          `${describe(method)} (${String(httpMethod)}) has authorization "${String(authorization)}"; it must be ${allowed.join(" or ")}.`,
          method.urn,
        );
      }
    }
  },
};
