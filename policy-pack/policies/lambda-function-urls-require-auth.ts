import type { StackValidationPolicy } from "@pulumi/policy";
import { allowIamSchema, type AllowIamConfig } from "./allow-iam-authorization";
import { TYPES, UNKNOWN, describe, ofType, read } from "./stack-resources";

/**
 * A function URL is an HTTPS endpoint straight to the function: with `NONE` it has no authorizer
 * and no rate limit other than the function's concurrency, so the whole API Gateway guard is
 * bypassed.
 */
export const functionUrlsRequireAuth: StackValidationPolicy = {
  name: "lambda-function-urls-require-auth",
  description:
    'Lambda function URLs must not use authorizationType "NONE" (no authorizer, no rate limit); AWS_IAM only when the config allows it.',
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    'Remove the aws.lambda.FunctionUrl and expose the function through the API Gateway stage with its authorizer and throttling (or set `authorizationType: "AWS_IAM"` where the pack\'s config allows IAM).',
  configSchema: allowIamSchema(
    "Whether an AWS_IAM function URL (SigV4-signed callers only) is allowed.",
  ),
  validateStack: (args, reportViolation) => {
    const { allowIamAuthorization } = args.getConfig<AllowIamConfig>();
    for (const url of ofType(args.resources, TYPES.functionUrl)) {
      const authorization = read(url, "authorizationType");
      if (authorization === "AWS_IAM" && allowIamAuthorization) continue;
      const state =
        authorization === UNKNOWN
          ? "has an authorizationType not known before deployment"
          : `has authorizationType "${String(authorization)}"`;
      const why =
        authorization === "AWS_IAM"
          ? "the config does not allow AWS_IAM function URLs"
          : "anyone on the internet can invoke the function, with no authorizer and no rate limit";
      reportViolation(
        `${describe(url)} (function ${functionName(url)}) ${state}: ${why}. Remove the function URL and serve the function through the throttled, authorized API Gateway stage${allowIamAuthorization ? ', or set authorizationType "AWS_IAM"' : ""}.`,
        url.urn,
      );
    }
  },
};

function functionName(url: Parameters<typeof read>[0]): string {
  const [fn] = url.propertyDependencies.functionName ?? [];
  if (fn) return `"${fn.name}"`;
  const name = read(url, "functionName");
  return typeof name === "string" ? `"${name}"` : "unknown at preview";
}
