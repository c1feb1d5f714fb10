// What the real program declares on the real prod config, resource by resource.
import { preflightHeaders } from "../../contracts/cors";
import { TOKEN_VALIDATION_EXPRESSION } from "../../contracts/token";
import { LAMBDA_NODE_RUNTIME } from "../../infra/bundle";
import { GATEWAY_ANSWERS } from "../../contracts/gateway-answers";
import {
  TEST_AUTH_TOKEN,
  oneOf,
  ofType,
  prodValue,
  runProdStack,
  type ProgramRun,
  type RegisteredResource,
} from "../harness/pulumi";

let run: ProgramRun;
beforeAll(async () => {
  run = await runProdStack();
});

const T = {
  restApi: "aws:apigateway/restApi:RestApi",
  authorizer: "aws:apigateway/authorizer:Authorizer",
  method: "aws:apigateway/method:Method",
  integration: "aws:apigateway/integration:Integration",
  integrationResponse: "aws:apigateway/integrationResponse:IntegrationResponse",
  response: "aws:apigateway/response:Response",
  stage: "aws:apigateway/stage:Stage",
  deployment: "aws:apigateway/deployment:Deployment",
  methodSettings: "aws:apigateway/methodSettings:MethodSettings",
  usagePlan: "aws:apigateway/usagePlan:UsagePlan",
  usagePlanKey: "aws:apigateway/usagePlanKey:UsagePlanKey",
  apiKey: "aws:apigateway/apiKey:ApiKey",
  lambda: "aws:lambda/function:Function",
  permission: "aws:lambda/permission:Permission",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  role: "aws:iam/role:Role",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  identity: "aws:ses/emailIdentity:EmailIdentity",
} as const;

const id = (resource: RegisteredResource) => `${resource.name}-id`;
const policyOf = (resource: RegisteredResource) =>
  JSON.parse(resource.inputs.policy as string) as {
    Statement: Array<{ Action: string[]; Resource: string | string[]; Condition?: unknown }>;
  };

describe("the REST API and its authorizer", () => {
  it("is a regional API that takes usage-plan keys from the authorizer", () => {
    expect(oneOf(run, T.restApi).inputs).toMatchObject({
      apiKeySource: "AUTHORIZER",
      endpointConfiguration: { types: "REGIONAL" },
    });
  });

  it("has a TOKEN authorizer on the authtoken header, cached for the configured TTL", () => {
    const authorizer = oneOf(run, T.authorizer);
    expect(authorizer.inputs).toMatchObject({
      restApi: id(oneOf(run, T.restApi)),
      type: "TOKEN",
      identitySource: "method.request.header.authtoken",
      identityValidationExpression: TOKEN_VALIDATION_EXPRESSION,
      authorizerResultTtlInSeconds: Number(prodValue("authorizerCacheTtl")),
      authorizerUri: oneOf(run, T.lambda, "authorizer").outputs.invokeArn,
    });
    const pattern = new RegExp(TOKEN_VALIDATION_EXPRESSION);
    expect(pattern.test(TEST_AUTH_TOKEN)).toBe(true);
    expect(pattern.test("short")).toBe(false);
    expect(pattern.test(`${TEST_AUTH_TOKEN} `)).toBe(false);
  });

  it("puts the authorizer and an API key requirement on every method but OPTIONS", () => {
    const methods = ofType(run, T.method);
    expect(methods.map((method) => method.inputs.httpMethod).sort()).toEqual(["OPTIONS", "POST"]);
    for (const method of methods.filter((m) => m.inputs.httpMethod !== "OPTIONS")) {
      expect(method.inputs).toMatchObject({
        authorization: "CUSTOM",
        authorizerId: id(oneOf(run, T.authorizer)),
        apiKeyRequired: true,
      });
    }
  });

  it("serves POST on the root resource, the stage's invoke URL itself, through the mailer", () => {
    const post = ofType(run, T.method).find((m) => m.inputs.httpMethod === "POST");
    expect(post?.inputs.resourceId).toBe(oneOf(run, T.restApi).outputs.rootResourceId);
    const integration = ofType(run, T.integration).find((i) => i.inputs.httpMethod === "POST");
    expect(integration?.inputs).toMatchObject({
      type: "AWS_PROXY",
      integrationHttpMethod: "POST",
      uri: oneOf(run, T.lambda, "mailer").outputs.invokeArn,
    });
  });

  it("lets only this API invoke the Lambdas", () => {
    const executionArn = oneOf(run, T.restApi).outputs.executionArn as string;
    const permissions = ofType(run, T.permission);
    expect(permissions.map((p) => p.inputs.sourceArn).sort()).toEqual(
      [
        `${executionArn}/prod/POST/`,
        `${executionArn}/authorizers/${id(oneOf(run, T.authorizer))}`,
      ].sort(),
    );
    for (const permission of permissions) {
      expect(permission.inputs.principal).toBe("apigateway.amazonaws.com");
    }
  });
});

describe("CORS", () => {
  const origin = () => prodValue("allowedOrigin");

  it("answers the preflight with no authorizer, for the configured origin", () => {
    const options = ofType(run, T.method).find((m) => m.inputs.httpMethod === "OPTIONS");
    expect(options?.inputs).toMatchObject({ authorization: "NONE" });
    expect(options?.inputs.authorizerId).toBeUndefined();
    const preflight = ofType(run, T.integration).find((i) => i.inputs.httpMethod === "OPTIONS");
    expect(preflight?.inputs.type).toBe("MOCK");
    const headers = oneOf(run, T.integrationResponse).inputs.responseParameters;
    expect(headers).toEqual(
      Object.fromEntries(
        Object.entries(preflightHeaders(origin())).map(([name, value]) => [
          `method.response.header.${name}`,
          `'${value}'`,
        ]),
      ),
    );
    expect(JSON.stringify(headers)).toContain("authtoken,Content-Type");
  });

  it.each([
    "UNAUTHORIZED",
    "ACCESS_DENIED",
    "THROTTLED",
    "QUOTA_EXCEEDED",
    "DEFAULT_4XX",
    "DEFAULT_5XX",
  ])("puts CORS headers on the gateway's %s answers", (responseType) => {
    const response = ofType(run, T.response).find((r) => r.inputs.responseType === responseType);
    expect(response?.inputs.responseParameters).toMatchObject({
      "gatewayresponse.header.Access-Control-Allow-Origin": `'${origin()}'`,
      "gatewayresponse.header.Access-Control-Allow-Headers":
        "'authtoken,Content-Type,x-aws-waf-token'",
      // The page may read how long to wait (a browser hides every other header cross-origin).
      "gatewayresponse.header.Access-Control-Expose-Headers": "'Retry-After'",
    });
    expect(response?.inputs.restApiId).toBe(id(oneOf(run, T.restApi)));
  });

  it("covers every gateway answer the local gateway reproduces", () => {
    expect(
      ofType(run, T.response)
        .map((r) => r.inputs.responseType)
        .sort(),
    ).toEqual(
      Object.values(GATEWAY_ANSWERS)
        .map((answer) => answer.responseType)
        .sort(),
    );
  });
});

describe("the throttled prod stage", () => {
  it("deploys an explicit prod stage", () => {
    expect(oneOf(run, T.stage).inputs).toMatchObject({
      stageName: "prod",
      deployment: id(oneOf(run, T.deployment)),
      restApi: id(oneOf(run, T.restApi)),
    });
  });

  it("throttles every method of the stage at the prod rate and burst", () => {
    expect(oneOf(run, T.methodSettings).inputs).toMatchObject({
      restApi: id(oneOf(run, T.restApi)),
      stageName: "prod",
      methodPath: "*/*",
      settings: {
        throttlingRateLimit: Number(prodValue("rateLimit")),
        throttlingBurstLimit: Number(prodValue("burstLimit")),
        metricsEnabled: true,
      },
    });
  });

  it("binds a usage plan with the daily quota to the prod stage", () => {
    expect(oneOf(run, T.usagePlan).inputs).toMatchObject({
      apiStages: [{ apiId: id(oneOf(run, T.restApi)), stage: "prod" }],
      quotaSettings: { limit: Number(prodValue("dailyQuota")), period: "DAY" },
      throttleSettings: {
        rateLimit: Number(prodValue("rateLimit")),
        burstLimit: Number(prodValue("burstLimit")),
      },
    });
    expect(oneOf(run, T.usagePlanKey).inputs).toMatchObject({
      keyId: id(oneOf(run, T.apiKey)),
      keyType: "API_KEY",
      usagePlanId: id(oneOf(run, T.usagePlan)),
    });
  });

  it("hands the plan's API key to the authorizer, so every request is counted", () => {
    const variables = (
      oneOf(run, T.lambda, "authorizer").inputs.environment as {
        variables: Record<string, string>;
      }
    ).variables;
    expect(variables.USAGE_API_KEY).toBe(oneOf(run, T.apiKey).outputs.value);
  });
});

describe("the Lambdas", () => {
  it.each(["authorizer", "mailer"])("runs the %s bundle on arm64 with small limits", (name) => {
    const lambda = oneOf(run, T.lambda, name);
    expect(lambda.inputs).toMatchObject({
      runtime: LAMBDA_NODE_RUNTIME,
      architectures: ["arm64"],
      handler: "index.handler",
      code: { path: expect.stringMatching(new RegExp(`dist/${name}$`)), archive: true },
    });
    expect(lambda.inputs.memorySize as number).toBeLessThanOrEqual(256);
    expect(lambda.inputs.timeout as number).toBeLessThanOrEqual(10);
    const logGroup = oneOf(run, T.logGroup, `${name}-logs`);
    expect((lambda.inputs.loggingConfig as { logGroup: string }).logGroup).toBe(
      logGroup.outputs.name,
    );
    expect(logGroup.inputs.retentionInDays).toBeGreaterThan(0);
  });

  it("configures the mailer from the prod stack, recipients fixed", () => {
    expect(oneOf(run, T.lambda, "mailer").inputs.environment).toEqual({
      variables: {
        MAIL_FROM: prodValue("mailFrom"),
        MAIL_TO: prodValue("mailTo"),
        ALLOWED_ORIGIN: prodValue("allowedOrigin"),
        // The queue's id is its URL (the mocks' id here).
        DELIVERY_QUEUE_URL: "delivery-id",
        NODE_OPTIONS: "--enable-source-maps",
      },
    });
  });

  it("lets the mailer call only SendEmail, as the sender, to the configured recipients", () => {
    const sender = oneOf(run, T.identity, "sender");
    expect(sender.inputs.email).toBe(prodValue("mailFrom"));
    const [statement, ...others] = policyOf(oneOf(run, T.rolePolicy, "mailer-ses-send")).Statement;
    expect(others).toEqual([]);
    // Not SendRawEmail: a raw message carries its own headers, recipients included.
    expect(statement.Action).toEqual(["ses:SendEmail"]);
    expect(statement.Resource).toContain(sender.outputs.arn);
    for (const resource of statement.Resource)
      expect(resource).toMatch(/^arn:aws:ses:.*:identity\/.+@/);
    // The recipients condition keeps the role closed once the account leaves the SES sandbox,
    // where the identities in Resource no longer limit who can receive.
    expect(statement.Condition).toEqual({
      StringEquals: { "ses:FromAddress": prodValue("mailFrom") },
      "ForAllValues:StringEquals": { "ses:Recipients": prodValue("mailTo").split(",") },
      Null: { "ses:Recipients": "false" },
    });
  });

  it("verifies the recipient too, as the SES sandbox requires", () => {
    const emails = ofType(run, T.identity).map((identity) => identity.inputs.email);
    expect(emails).toEqual(expect.arrayContaining(prodValue("mailTo").split(",")));
  });

  it("names each recipient identity by its address, so reordering mailTo replaces nothing", async () => {
    const identities = async (mailTo: string) =>
      Object.fromEntries(
        ofType(await runProdStack({ config: { "mailer-api:mailTo": mailTo } }), T.identity).map(
          (identity) => [identity.name, identity.inputs.email],
        ),
      );
    const forward = await identities("a@example.com,B.b+tag@example.org,c@sub.example.net");
    const reversed = await identities("c@sub.example.net,B.b+tag@example.org,a@example.com");
    expect(reversed).toEqual(forward);
    expect(Object.keys(forward).sort()).toEqual(
      [
        "sender",
        "recipient-a@example.com",
        "recipient-B.b+tag@example.org",
        "recipient-c@sub.example.net",
      ].sort(),
    );
  });

  it("gives the authorizer nothing but its own log group", () => {
    const policies = ofType(run, T.rolePolicy).filter((p) => p.name.startsWith("authorizer"));
    expect(policies.map((p) => p.name)).toEqual(["authorizer-logging"]);
    expect(policyOf(policies[0]).Statement).toEqual([
      {
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: `${oneOf(run, T.logGroup, "authorizer-logs").outputs.arn}:*`,
      },
    ]);
  });

  it("grants nothing on *", () => {
    for (const policy of ofType(run, T.rolePolicy)) {
      for (const statement of policyOf(policy).Statement) {
        expect([statement.Resource].flat()).not.toContain("*");
      }
    }
  });
});

describe("stack outputs", () => {
  it("exports the prod invoke URL, ids and a curl that reads the token from config", () => {
    expect(run.outputs).toMatchObject({
      url: expect.stringMatching(/^https:\/\/.+\/prod$/),
      apiId: id(oneOf(run, T.restApi)),
      stageName: "prod",
      mailFrom: prodValue("mailFrom"),
    });
    expect(run.outputs.curl).toBe(
      `curl -X POST -H "authtoken: $(pulumi config get authToken)" ${run.outputs.url as string}`,
    );
  });
});
