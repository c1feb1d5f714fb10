// Red team of the AppSync policies: APIs written to satisfy their letter while running a function
// for anyone or without limit (refused), and ones that keep the promise in another shape (passed).
import { appSyncApisRateLimited as rateLimited } from "../../policy-pack/policies/appsync-apis-rate-limited";
import { appSyncLambdaResolversRequireAuthorizer as authorized } from "../../policy-pack/policies/appsync-lambda-resolvers-require-authorizer";
import { UNKNOWN_AT_PREVIEW, handBuiltStack, type HandBuilt } from "../harness/hand-built-stack";
import { validateStack } from "../harness/policy";

const api = (inputs: Record<string, unknown>, name = "api"): HandBuilt => ({
  type: "aws:appsync/graphQLApi:GraphQLApi",
  name,
  inputs: { schema: "type Query { ping: String }", ...inputs },
});
const lambdaSource = (apiName = "api"): HandBuilt => ({
  type: "aws:appsync/dataSource:DataSource",
  name: `mailer-${apiName}`,
  inputs: { apiId: UNKNOWN_AT_PREVIEW, type: "AWS_LAMBDA" },
  deps: { apiId: [apiName] },
});
const acl = (rule: Record<string, unknown>): HandBuilt => ({
  type: "aws:wafv2/webAcl:WebAcl",
  name: "acl",
  inputs: { rules: [{ name: "r", priority: 1, action: { block: {} }, ...rule }] },
});
const association = (apiName = "api"): HandBuilt => ({
  type: "aws:wafv2/webAclAssociation:WebAclAssociation",
  name: "on-api",
  inputs: { resourceArn: UNKNOWN_AT_PREVIEW, webAclArn: UNKNOWN_AT_PREVIEW },
  deps: { resourceArn: [apiName], webAclArn: ["acl"] },
});
const COGNITO = { authenticationType: "AMAZON_COGNITO_USER_POOLS" };
const rate = (statement: Record<string, unknown>) => ({
  statement: { rateBasedStatement: { limit: 100, ...statement } },
});

const AUTH_REFUSED: Array<[string, HandBuilt[], RegExp]> = [
  [
    "AWS_IAM when the config does not allow it",
    [api({ authenticationType: "AWS_IAM" }), lambdaSource()],
    /has authenticationType "AWS_IAM"/,
  ],
  [
    "an authenticationType unknown at preview",
    [api({ authenticationType: UNKNOWN_AT_PREVIEW }), lambdaSource()],
    /not known before deployment/,
  ],
  [
    "an additional API key with no schema in the stack",
    [
      api({
        ...COGNITO,
        schema: undefined,
        additionalAuthenticationProviders: [{ authenticationType: "API_KEY" }],
      }),
      lambdaSource(),
    ],
    /additional authentication provider "API_KEY" is allowed and the schema is not in the stack/,
  ],
  [
    "a data source whose type is unknown at preview",
    [
      api({ authenticationType: "API_KEY" }),
      { ...lambdaSource(), inputs: { apiId: UNKNOWN_AT_PREVIEW, type: UNKNOWN_AT_PREVIEW } },
    ],
    /API_KEY/,
  ],
];
const RATE_REFUSED: Array<[string, HandBuilt[]]> = [
  [
    "a rate rule keyed on a forwarded header a client writes",
    [api(COGNITO), lambdaSource(), acl(rate({ aggregateKeyType: "FORWARDED_IP" })), association()],
  ],
  [
    "a rate rule with a scope-down statement",
    [
      api(COGNITO),
      lambdaSource(),
      acl(rate({ aggregateKeyType: "IP", scopeDownStatement: { byteMatchStatement: {} } })),
      association(),
    ],
  ],
  [
    "a rate rule keyed on a custom header",
    [
      api(COGNITO),
      lambdaSource(),
      acl(rate({ aggregateKeyType: "CUSTOM_KEYS", customKeys: [{ header: { name: "x-id" } }] })),
      association(),
    ],
  ],
  [
    "a web ACL associated with another API",
    [
      api(COGNITO),
      lambdaSource(),
      api(COGNITO, "other"),
      acl(rate({ aggregateKeyType: "IP" })),
      association("other"),
    ],
  ],
];
const PASSED: Array<[string, HandBuilt[], Record<string, unknown>]> = [
  [
    "a private API (reachable from a VPC only)",
    [api({ authenticationType: "API_KEY", visibility: "PRIVATE" }), lambdaSource()],
    {},
  ],
  ["an API key API with no Lambda data source", [api({ authenticationType: "API_KEY" })], {}],
  [
    "AWS_IAM where the config allows it, limited over all requests",
    [
      api({ authenticationType: "AWS_IAM" }),
      lambdaSource(),
      acl(rate({ aggregateKeyType: "CONSTANT" })),
      association(),
    ],
    { allowIamAuthorization: true },
  ],
];

it.each(AUTH_REFUSED)(
  "appsync-lambda-resolvers-require-authorizer refuses %s",
  async (_label, resources, says) => {
    const outcome = await validateStack(authorized, handBuiltStack(resources));
    expect(outcome.violations.map((violation) => violation.message)).toContainEqual(
      expect.stringMatching(says),
    );
  },
);

it.each(RATE_REFUSED)("appsync-apis-rate-limited refuses %s", async (_label, resources) => {
  const outcome = await validateStack(rateLimited, handBuiltStack(resources));
  expect(outcome.violations.map((violation) => violation.message)).toEqual([
    expect.stringMatching(
      /^GraphQLApi "api" \(Lambda data source "mailer-api"\) (has no AWS WAF web ACL|is associated with web ACL "acl", which has no blocking rate-based rule)/,
    ),
  ]);
});

it.each(PASSED)("both pass %s", async (_label, resources, config) => {
  for (const policy of [authorized, rateLimited]) {
    const stack = handBuiltStack(resources);
    const outcome = await validateStack(policy, stack, { config });
    if (policy === rateLimited && !resources.some((r) => r.name === "acl")) {
      continue; // Unlimited APIs are the rate policy's to refuse; here only authorization is tried.
    }
    expect({ policy: policy.name, ...outcome }).toEqual({ policy: policy.name, violations: [] });
  }
});
