// Issue 8: every way a stack can open an HTTP entry point to code, judged by the real pack over
// the Analyzer protocol (`npm run policy`, a preview of a new stack: ids unknown). Each case has a
// refused program and a passing one; each refusal names the resource, the route and the fix.
import { join } from "node:path";
import { FIXTURES_DIR } from "../harness/policy";
import { PROJECT_DIR } from "../harness/pulumi";
import {
  runCheckOfTypedFixture,
  type CheckRun,
  type JsonReport,
} from "../harness/policy-check-process";

const ALLOW_IAM = join(PROJECT_DIR, "tests/fixtures/policy-config/allow-iam.json");

interface Case {
  fixture: string;
  /** Mandatory policies that must refuse it; empty: it passes. */
  refusedBy: string[];
  /** What the messages must say (resource, route, fix). */
  says?: RegExp[];
  config?: string;
}

const CASES: Array<[string, Case]> = [
  // 1. REST API methods: OPTIONS open only when API Gateway answers it (MOCK).
  [
    "1 refused",
    {
      fixture: "bad-options-proxied",
      refusedBy: ["apigateway-methods-require-authorizer"],
      says: [/Method "options" \(OPTIONS \/\) is open, but its integration is AWS_PROXY.*MOCK/],
    },
  ],
  ["1 passing", { fixture: "good-token-authorizer", refusedBy: [] }],
  // 2. REST APIs from an OpenAPI body, and @pulumi/aws-apigateway's RestAPI component.
  [
    "2 refused (body)",
    {
      fixture: "bad-openapi-body-open",
      refusedBy: ["apigateway-openapi-operations-require-authorizer"],
      says: [/RestApi "api": GET \/items is open: it has no `security` requirement.*authorizer/],
    },
  ],
  [
    "2 refused (body unknown at preview)",
    {
      fixture: "bad-openapi-body-unknown",
      refusedBy: ["apigateway-openapi-operations-require-authorizer"],
      says: [/RestApi "api": its OpenAPI body is not known before deployment.*stage variable/],
    },
  ],
  [
    "2 refused (component)",
    {
      fixture: "bad-aws-apigateway-open-route",
      refusedBy: ["apigateway-openapi-operations-require-authorizer"],
      says: [
        /RestAPI "api": route POST \/ is open: it has no `authorizers`/,
        /RestAPI "api": route GET \/items\/\{id\} is open/,
      ],
    },
  ],
  ["2 passing (body)", { fixture: "good-openapi-body-token", refusedBy: [] }],
  ["2 passing (component)", { fixture: "good-aws-apigateway-token", refusedBy: [] }],
  // 3. Every REST API stage throttled, methods or body.
  [
    "3 refused (body)",
    {
      fixture: "bad-openapi-body-unthrottled",
      refusedBy: ["apigateway-stages-throttled"],
      says: [/Stage "prod" has no stage-wide \("\*\/\*"\) method settings/],
    },
  ],
  [
    "3 refused (component)",
    {
      fixture: "bad-aws-apigateway-unthrottled",
      refusedBy: ["apigateway-stages-throttled"],
      says: [/RestAPI "api" \(stage "prod"\) has no stage-wide.*api\.stage\.stageName/],
    },
  ],
  // 4. HTTP and WebSocket APIs.
  [
    "4 refused (open route)",
    {
      fixture: "bad-http-api-open-route",
      refusedBy: ["apigatewayv2-routes-require-authorizer"],
      says: [/Route "send" \(POST \/send\) has authorizationType "NONE".*JWT/],
    },
  ],
  [
    "4 refused (quick-create)",
    {
      fixture: "bad-http-api-quickcreate",
      refusedBy: ["apigatewayv2-routes-require-authorizer", "apigatewayv2-stages-throttled"],
      says: [/Api "api" is a quick-create API \(`target` set\): its route GET \//],
    },
  ],
  [
    "4 refused (stage)",
    {
      fixture: "bad-http-api-unthrottled",
      refusedBy: ["apigatewayv2-stages-throttled"],
      says: [
        /Stage "prod": defaultRouteSettings are not set\. Routes without their own limits: POST \/send/,
      ],
    },
  ],
  [
    "4 refused (WebSocket)",
    {
      fixture: "bad-websocket-open-connect",
      refusedBy: ["apigatewayv2-routes-require-authorizer"],
      says: [/Route "connect" \(\$connect\) has authorizationType "NONE"/],
    },
  ],
  ["4 passing (HTTP)", { fixture: "good-http-api-jwt", refusedBy: [] }],
  ["4 passing (WebSocket)", { fixture: "good-websocket-custom-connect", refusedBy: [] }],
  // 5. Lambda function URLs.
  [
    "5 refused",
    {
      fixture: "bad-function-url-open",
      refusedBy: ["lambda-function-urls-require-auth", "lambda-permissions-not-public"],
      says: [/FunctionUrl "url" \(function "handler"\) has authorizationType "NONE"/],
    },
  ],
  [
    "5 refused (AWS_IAM, not allowed by default)",
    {
      fixture: "good-function-url-iam",
      refusedBy: ["lambda-function-urls-require-auth"],
      says: [/the config does not allow AWS_IAM function URLs/],
    },
  ],
  [
    "5 passing (AWS_IAM allowed)",
    { fixture: "good-function-url-iam", refusedBy: [], config: ALLOW_IAM },
  ],
  // 6. Lambda permissions open to everyone.
  [
    "6 refused",
    {
      fixture: "bad-permission-open",
      refusedBy: ["lambda-permissions-not-public"],
      says: [
        /Permission "everyone" \(lambda:invokeFunction on function "handler"\) lets everyone \(principal "\*"\)/,
        /Permission "any-api" .* grants apigateway\.amazonaws\.com without a sourceArn/,
        /ResourcePolicy "public-policy" allows everyone \(Principal "\*"\)/,
      ],
    },
  ],
  // Every passing program above declares a Permission with a sourceArn; this one too.
  ["6 passing", { fixture: "good-http-api-jwt", refusedBy: [] }],
  // 7. An internet-facing ALB forwarding to a Lambda target group.
  [
    "7 refused",
    {
      fixture: "bad-alb-lambda-open",
      refusedBy: ["lb-lambda-targets-protected"],
      says: [/Listener "https" forwards requests on LoadBalancer "public" \(internet-facing\)/],
    },
  ],
  ["7 passing", { fixture: "good-alb-lambda-protected", refusedBy: [] }],
  // 8. Public event sources that run a function (issue 16).
  ...triggerCases([
    [
      "SNS",
      "bad-sns-public-topic",
      "good-sns-topic-scoped",
      /TopicSubscription "to-handler" makes Topic "alerts" run function "handler"/,
    ],
    [
      "SQS",
      "bad-sqs-public-queue",
      "good-sqs-queue-scoped",
      /EventSourceMapping "jobs-to-handler" makes Queue "jobs"/,
    ],
    [
      "S3",
      "bad-s3-public-bucket",
      "good-s3-bucket-private",
      /BucketNotification "uploads-to-handler" makes Bucket "uploads"/,
    ],
    [
      "EventBridge",
      "bad-eventbridge-public-bus",
      "good-eventbridge-bus-scoped",
      /EventTarget "order-placed-to-handler" makes EventBus "orders"/,
    ],
  ]),
  // 9. AppSync GraphQL APIs with a Lambda data source.
  [
    "9 refused (API key)",
    {
      fixture: "bad-appsync-api-key",
      refusedBy: ["appsync-lambda-resolvers-require-authorizer"],
      says: [
        /GraphQLApi "contact" \(Lambda data source "mailer"\) has authenticationType "API_KEY", a public token/,
      ],
    },
  ],
  [
    "9 refused (no rate limit)",
    {
      fixture: "bad-appsync-unthrottled",
      refusedBy: ["appsync-apis-rate-limited"],
      says: [/GraphQLApi "contact" .* has no AWS WAF web ACL associated with it/],
    },
  ],
  ["9 passing", { fixture: "good-appsync-cognito-waf", refusedBy: [] }],
  // 10. CloudFormation templates and Cloud Control resources.
  [
    "10 refused (template)",
    {
      fixture: "bad-cloudformation-open",
      refusedBy: ["cloudformation-entry-points-protected"],
      says: [
        /Stack "legacy" creates what lambda-function-urls-require-auth refuses: FunctionUrl "HandlerUrl"/,
        /Stack "legacy" creates what apigateway-methods-require-authorizer refuses: Method "Send" \(POST\)/,
      ],
    },
  ],
  [
    "10 refused (template unknown at preview)",
    {
      fixture: "bad-cloudformation-unknown",
      refusedBy: ["cloudformation-entry-points-protected"],
      says: [/Stack "legacy": its templateBody is not known before deployment/],
    },
  ],
  [
    "10 refused (Cloud Control)",
    {
      fixture: "bad-cloudcontrol-function-url",
      refusedBy: ["cloudformation-entry-points-protected"],
      says: [/Resource "url" creates what lambda-function-urls-require-auth refuses/],
    },
  ],
  ["10 passing (template)", { fixture: "good-cloudformation-protected", refusedBy: [] }],
  ["10 passing (Cloud Control)", { fixture: "good-cloudcontrol-permission-scoped", refusedBy: [] }],
  // 11. Guests of a Cognito identity pool with a role that may invoke a function.
  [
    "11 refused",
    {
      fixture: "bad-cognito-guests-invoke",
      refusedBy: ["cognito-guests-cannot-invoke-lambda"],
      says: [/IdentityPoolRoleAttachment "roles" gives the guests of IdentityPool "visitors"/],
    },
  ],
  ["11 passing", { fixture: "good-cognito-members-invoke", refusedBy: [] }],
  // Issue 16, red team of the existing policies: the limit and the caller each endpoint really gets.
  [
    "16 refused (per-method override lifts the throttle)",
    {
      fixture: "bad-method-override-unlimited",
      refusedBy: ["apigateway-stages-throttled"],
      says: [
        /Stage "prod": MethodSettings "send-unlimited" \(methodPath "~1send\/POST", route POST \/send\) override.*throttlingRateLimit is -1/,
        /MethodSettings "send-metrics" \(methodPath "~1send\/\*", route POST \/send\).*throttlingRateLimit is not set/,
      ],
    },
  ],
  [
    "16 passing (per-method override within limits)",
    { fixture: "good-method-override-within-limits", refusedBy: [] },
  ],
  [
    "16 refused (two stage-wide settings)",
    {
      fixture: "bad-two-stage-wide-settings",
      refusedBy: ["apigateway-stages-throttled"],
      says: [/Stage "prod" has 2 stage-wide \("\*\/\*"\) method settings.*"throttle-off"/],
    },
  ],
  [
    "16 refused (throttle on another API)",
    {
      fixture: "bad-settings-api-mismatch",
      refusedBy: ["apigateway-stages-throttled"],
      says: [/Stage "prod" has no stage-wide/],
    },
  ],
  [
    "16 refused (component's stage, another API)",
    {
      fixture: "bad-aws-apigateway-settings-other-api",
      refusedBy: ["apigateway-stages-throttled"],
      says: [/RestAPI "api" \(stage "prod"\) has no stage-wide/],
    },
  ],
  [
    "16 refused (HTTP route override)",
    {
      fixture: "bad-http-route-override-unlimited",
      refusedBy: ["apigatewayv2-stages-throttled"],
      says: [/Stage "prod": routeSettings for POST \/send: throttlingRateLimit is -1/],
    },
  ],
  ["16 passing (HTTP route override)", { fixture: "good-http-route-override", refusedBy: [] }],
  [
    "16 refused (invoke wildcards, NotPrincipal, wildcard source ARNs)",
    {
      fixture: "bad-permission-wildcards",
      refusedBy: ["lambda-permissions-not-public"],
      says: [
        /Permission "any-action" \(\* on function "handler"\) lets everyone/,
        /Permission "lambda-star" \(lambda:\* on function "handler"\) grants apigateway\.amazonaws\.com without a sourceArn/,
        /Permission "any-api" .*sourceArn "arn:aws:execute-api:\*:\*:\*" has a wildcard where the account stands/,
        /Permission "everyone-any-api" .*lets everyone/,
        /ResourcePolicy "wildcard-policy": statement "InvokePrefix" allows everyone/,
        /ResourcePolicy "wildcard-policy": statement "AllButOne" uses NotPrincipal/,
        /ResourcePolicy "wildcard-policy": statement "AnyApi" allows apigateway\.amazonaws\.com .*wildcard where the account stands/,
        /ResourcePolicy "wildcard-policy": statement "NegatedScope" allows everyone/,
      ],
    },
  ],
  ["16 passing (one API of this account)", { fixture: "good-permission-scoped", refusedBy: [] }],
  [
    "15 refused (a stage read with Resource.get, then unthrottled)",
    {
      fixture: "bad-read-stage-unthrottled",
      refusedBy: ["apigateway-stages-throttled"],
      says: [/Stage "existing"/],
    },
  ],
  [
    "16 refused (a wildcard source ARN known only at update)",
    {
      fixture: "bad-permission-source-arn-late",
      refusedBy: ["lambda-permissions-not-public"],
      says: [
        /Permission "late-any-api" .*sourceArn "arn:aws:execute-api:\*:\*:\*" has a wildcard where the account stands/,
      ],
    },
  ],
  [
    "16 refused (ALB login allows, WAF rule counts)",
    {
      fixture: "bad-alb-auth-allow-count",
      refusedBy: ["lb-lambda-targets-protected"],
      says: [/Listener "https" .*onUnauthenticatedRequest "allow".*Count/],
    },
  ],
  ["16 passing (ALB login denies)", { fixture: "good-alb-auth-deny", refusedBy: [] }],
  [
    "16 refused (Swagger 2 scheme in OpenAPI 3's place)",
    {
      fixture: "bad-openapi-mixed-schemes",
      refusedBy: ["apigateway-openapi-operations-require-authorizer"],
      says: [
        /RestApi "api": POST \/ is open: its `security` alternative "token" names no authorizer scheme.*securityDefinitions/,
      ],
    },
  ],
  ["16 passing (OpenAPI 3 body)", { fixture: "good-openapi3-body-token", refusedBy: [] }],
  [
    "16 refused (OPTIONS borrows another method's MOCK)",
    {
      fixture: "bad-options-borrowed-mock",
      refusedBy: ["apigateway-methods-require-authorizer"],
      says: [/Method "options" \(OPTIONS \/send\) is open, but its integration is AWS_PROXY/],
    },
  ],
  [
    "16 refused (API through siblings, throttle off)",
    {
      fixture: "bad-sibling-api-references",
      refusedBy: ["apigateway-stages-throttled"],
      says: [/Stage "prod": throttlingRateLimit is -1/],
    },
  ],
  ["16 passing (API through siblings)", { fixture: "good-sibling-api-references", refusedBy: [] }],
];

/** A refused and a passing program per kind of event source. */
function triggerCases(kinds: Array<[string, string, string, RegExp]>): Array<[string, Case]> {
  return kinds.flatMap(([kind, refused, passing, says]): Array<[string, Case]> => [
    [
      `8 refused (${kind})`,
      { fixture: refused, refusedBy: ["lambda-event-sources-not-public"], says: [says] },
    ],
    [`8 passing (${kind})`, { fixture: passing, refusedBy: [] }],
  ]);
}

const runs = new Map<string, Promise<CheckRun>>();
beforeAll(async () => {
  // Two at a time: each run starts a policy pack, and the machine has two cores.
  for (let index = 0; index < CASES.length; index += 2) {
    await Promise.all(
      CASES.slice(index, index + 2).map(([label, spec]) => {
        const args = ["--program", join(FIXTURES_DIR, spec.fixture), "--format", "json"];
        const run = runCheckOfTypedFixture(
          ...args,
          ...(spec.config ? ["--policy-pack-config", spec.config] : []),
        );
        runs.set(label, run);
        return run;
      }),
    );
  }
  // Each run starts a program and a pack: allow each case about 45 s on a loaded 2-core machine.
}, CASES.length * 45_000);

it.each(CASES)("case %s", async (label, spec) => {
  const run = await runs.get(label)!;
  expect(run.stderr).toBe("");
  const report = JSON.parse(run.stdout) as JsonReport;
  const mandatory = report.violations.filter((v) => v.enforcementLevel === "mandatory");
  expect([...new Set(mandatory.map((v) => v.policy))].sort()).toEqual([...spec.refusedBy].sort());
  expect(run.status).toBe(spec.refusedBy.length > 0 ? 1 : 0);
  for (const pattern of spec.says ?? []) {
    expect(mandatory.map((v) => v.message)).toContainEqual(expect.stringMatching(pattern));
  }
});
