import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { allowIamSchema, type AllowIamConfig } from "./allow-iam-authorization";
import { lambdaBackedApis } from "./appsync-apis";
import { UNKNOWN, describe, dig, read } from "./stack-resources";

/** Modes that check who the caller is; AWS_IAM counts only where the config allows it. */
const AUTHORIZING = ["AWS_LAMBDA", "OPENID_CONNECT", "AMAZON_COGNITO_USER_POOLS"];
/** The schema directive that opens a field to an additional authorization mode. */
const DIRECTIVES: Record<string, string> = {
  API_KEY: "@aws_api_key",
  AWS_IAM: "@aws_iam",
  AWS_LAMBDA: "@aws_lambda",
  OPENID_CONNECT: "@aws_oidc",
  AMAZON_COGNITO_USER_POOLS: "@aws_cognito_user_pools",
};

/**
 * An AppSync API key is a public token (it ships in the web page, like mailer-api's own), so an
 * API whose callers may use API_KEY runs its Lambda resolvers for anyone. The default mode guards
 * every field; an additional mode only the fields whose schema carries its directive.
 */
export const appSyncLambdaResolversRequireAuthorizer: StackValidationPolicy = {
  name: "appsync-lambda-resolvers-require-authorizer",
  description:
    "An AppSync GraphQL API with a Lambda data source must authorize callers with AWS_LAMBDA, OPENID_CONNECT or AMAZON_COGNITO_USER_POOLS (AWS_IAM only when the config allows it); API_KEY, by default or as an additional mode the schema uses, is a public token.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    'Set the aws.appsync.GraphQLApi\'s `authenticationType` to "AWS_LAMBDA" (with `lambdaAuthorizerConfig`), "AMAZON_COGNITO_USER_POOLS" or "OPENID_CONNECT"; remove API_KEY from `additionalAuthenticationProviders`, or keep `@aws_api_key` off every field.',
  configSchema: allowIamSchema(),
  validateStack: (args, reportViolation) => {
    const { allowIamAuthorization } = args.getConfig<AllowIamConfig>();
    const allowed = allowIamAuthorization ? [...AUTHORIZING, "AWS_IAM"] : AUTHORIZING;
    for (const { api, dataSources } of lambdaBackedApis(args.resources)) {
      const head = `${describe(api)} (Lambda data source ${dataSources.join(", ")})`;
      const fix = `Use ${allowed.join(", ")} instead.`;
      const mode = read(api, "authenticationType");
      if (mode === UNKNOWN) {
        reportViolation(
          `${head}: its authenticationType is not known before deployment, so it cannot be shown to authorize callers. Set it to a literal. ${fix}`,
          api.urn,
        );
      } else if (typeof mode !== "string" || !allowed.includes(mode)) {
        reportViolation(
          `${head} has authenticationType "${String(mode)}"${mode === "API_KEY" ? ", a public token: anyone with the key from the web page runs the functions" : ""}; with no authorizer and no throttle of AppSync's own, every field is open. ${fix}`,
          api.urn,
        );
      }
      for (const extra of additionalModes(api)) {
        if (extra !== UNKNOWN && allowed.includes(extra)) continue;
        const problem = extraProblem(api, extra);
        if (problem) reportViolation(`${head}: ${problem} ${fix}`, api.urn);
      }
    }
  },
};

function additionalModes(api: PolicyResource): Array<string | typeof UNKNOWN> {
  const providers = read(api, "additionalAuthenticationProviders");
  if (providers === UNKNOWN) return [UNKNOWN];
  if (!Array.isArray(providers)) return [];
  return providers.map((_provider, index) => {
    const mode = dig(providers, index, "authenticationType");
    return typeof mode === "string" ? mode : UNKNOWN;
  });
}

/** Why an additional mode opens fields: the schema uses its directive, or cannot be read. */
function extraProblem(api: PolicyResource, mode: string | typeof UNKNOWN): string | undefined {
  if (mode === UNKNOWN) {
    return "an additional authentication provider's type is not known before deployment, so it cannot be shown to authorize callers.";
  }
  const directive = DIRECTIVES[mode];
  const schema = read(api, "schema");
  if (typeof schema === "string" && directive && !schema.includes(directive)) return undefined;
  const why =
    typeof schema === "string"
      ? `the schema opens fields to it with ${directive ?? "its directive"}`
      : "the schema is not in the stack (or not known before deployment), so no field can be shown closed to it";
  return `additional authentication provider "${mode}" is allowed and ${why}.`;
}
