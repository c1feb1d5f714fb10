// The gateway pipeline, as read from the real program (index.ts under the engine, with the test's
// limits as config), with small fake handlers and an injected clock: the order of API Gateway's
// checks, the events each Lambda receives, and the answers for every refusal.
import type { APIGatewayProxyEvent, APIGatewayTokenAuthorizerEvent } from "aws-lambda";
import { corsHeaders } from "../../contracts/cors";
import { LambdaInvokeError } from "../../tools/local-gateway/lambda-container";
import { createGateway, type GatewayRequest } from "../../tools/local-gateway/gateway";
import type { GatewayModel } from "../../tools/local-gateway/model";
import { readGatewayModel } from "../../tools/local-gateway/read-program";
import { runProdStack } from "../harness/pulumi";

const TOKEN = "t".repeat(40);
const USAGE_KEY = { id: "key-id", value: "usage-key-value" };
const ORIGIN = "http://127.0.0.1:9999";
const API = { region: "eu-west-1", accountId: "123456789012", apiId: "abc123", stage: "prod" };

function allow(extra: Record<string, unknown> = {}) {
  return {
    principalId: "website-visitor",
    policyDocument: {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: "execute-api:Invoke",
          Resource: "arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/*",
        },
      ],
    },
    usageIdentifierKey: USAGE_KEY.value,
    context: { authorizedBy: "test" },
    ...extra,
  };
}

type Invoke = (event: unknown) => Promise<unknown>;
interface Overrides {
  limits?: Record<string, number>;
  /** Changes the program's model before the gateway serves it. */
  adjust?: (model: GatewayModel) => GatewayModel;
  invokeAuthorizer?: Invoke;
  invokeMailer?: Invoke;
}

const models = new Map<string, Promise<GatewayModel>>();

/** The program's API with these limits, as the local stack reads it (one program run each). */
function programModel(limits: Record<string, number>): Promise<GatewayModel> {
  const config: Record<string, string> = {
    "aws:region": API.region,
    "mailer-api:allowedOrigin": ORIGIN,
    "mailer-api:rateLimit": "2",
    "mailer-api:burstLimit": "3",
    "mailer-api:dailyQuota": "100",
    "mailer-api:authorizerCacheTtl": "300",
  };
  for (const [key, value] of Object.entries(limits)) config[`mailer-api:${key}`] = String(value);
  const cacheKey = JSON.stringify(config);
  if (!models.has(cacheKey)) {
    const read = runProdStack({ config }).then((run) => {
      const model = readGatewayModel(run.resources, {
        region: API.region,
        accountId: API.accountId,
      });
      // The usage plan key the fake authorizer returns, and the API id the ARNs show.
      for (const plan of model.stages.flatMap((stage) => stage.usagePlans)) {
        plan.keys = [USAGE_KEY];
      }
      // The function permissions name the API by its execution ARN.
      const executionArn = `arn:aws:execute-api:${API.region}:${API.accountId}:${API.apiId}`;
      const renamed = (arn: string | undefined) =>
        arn?.replace(`${model.api.executionArn}/`, `${executionArn}/`);
      return {
        ...model,
        api: { ...model.api, id: API.apiId, executionArn },
        functions: model.functions.map((fn) => ({
          ...fn,
          invokeGrants: fn.invokeGrants.map((g) => ({ ...g, sourceArn: renamed(g.sourceArn) })),
        })),
      };
    });
    models.set(cacheKey, read);
  }
  return models.get(cacheKey)!;
}

async function setup(overrides: Overrides = {}) {
  let time = Date.UTC(2026, 10, 25, 10, 0, 0);
  const authorizerEvents: APIGatewayTokenAuthorizerEvent[] = [];
  const mailerEvents: APIGatewayProxyEvent[] = [];
  const read = await programModel(overrides.limits ?? {});
  const model = overrides.adjust ? overrides.adjust(read) : read;
  const authorizerFunction = model.authorizers[0].function;
  const handlers: { invokeAuthorizer: Invoke; invokeMailer: Invoke } = {
    invokeAuthorizer: async (event) => {
      authorizerEvents.push(event as APIGatewayTokenAuthorizerEvent);
      const token = (event as APIGatewayTokenAuthorizerEvent).authorizationToken;
      if (token !== TOKEN) throw new LambdaInvokeError("Error", "Unauthorized");
      return allow();
    },
    invokeMailer: async (event) => {
      mailerEvents.push(event as APIGatewayProxyEvent);
      return { statusCode: 200, headers: corsHeaders(ORIGIN), body: '{"messageId":"m-1"}' };
    },
    ...overrides,
  };
  const gateway = createGateway({
    model,
    invoke: (name, event) =>
      name === authorizerFunction ? handlers.invokeAuthorizer(event) : handlers.invokeMailer(event),
    now: () => time,
  });
  const send = (request: Partial<GatewayRequest> = {}) =>
    gateway.handle({
      method: "POST",
      url: "/prod",
      headers: [["authtoken", TOKEN]],
      body: Buffer.alloc(0),
      sourceIp: "127.0.0.1",
      ...request,
    });
  return {
    gateway,
    send,
    authorizerEvents,
    mailerEvents,
    advance: (ms: number) => {
      time += ms;
    },
  };
}

const json = (body: Buffer) => JSON.parse(body.toString("utf8")) as unknown;

describe("routing", () => {
  it.each([
    ["GET", "/prod"],
    ["PUT", "/prod/"],
    ["POST", "/prod/other"],
    ["POST", "/prod/other/deeper"],
  ])("%s %s is 403 Missing Authentication Token, with CORS", async (method, url) => {
    const { send, authorizerEvents } = await setup();
    const response = await send({ method, url });
    expect(response.statusCode).toBe(403);
    expect(json(response.body)).toEqual({ message: "Missing Authentication Token" });
    expect(response.headers["Access-Control-Allow-Origin"]).toBe(ORIGIN);
    expect(authorizerEvents).toHaveLength(0);
  });

  it("answers the preflight without the token or the authorizer", async () => {
    const { send, authorizerEvents } = await setup();
    const response = await send({ method: "OPTIONS", headers: [["Origin", ORIGIN]] });
    expect(response.statusCode).toBe(200);
    expect(response.headers["Access-Control-Allow-Origin"]).toBe(ORIGIN);
    expect(response.headers["Access-Control-Allow-Headers"]).toContain("authtoken");
    expect(response.headers["Access-Control-Max-Age"]).toBe("600");
    expect(authorizerEvents).toHaveLength(0);
  });

  it("takes /prod and /prod/ (with a query) as the root resource", async () => {
    const { send, mailerEvents } = await setup();
    expect((await send({ url: "/prod" })).statusCode).toBe(200);
    expect((await send({ url: "/prod/?ref=home" })).statusCode).toBe(200);
    expect(mailerEvents[1].queryStringParameters).toEqual({ ref: "home" });
  });
});

describe("the token authorizer", () => {
  it.each([
    ["no header", []],
    ["an empty header", [["authtoken", ""]]],
    ["a token too short for the validation expression", [["authtoken", "short"]]],
    ["a token with a space", [["authtoken", `${"a".repeat(20)} ${"b".repeat(20)}`]]],
  ] as Array<[string, Array<[string, string]>]>)(
    "%s is 401 without calling the authorizer",
    async (_label, headers) => {
      const { send, authorizerEvents, mailerEvents } = await setup();
      const response = await send({ headers });
      expect(response.statusCode).toBe(401);
      expect(json(response.body)).toEqual({ message: "Unauthorized" });
      expect(response.headers["Access-Control-Allow-Origin"]).toBe(ORIGIN);
      expect(authorizerEvents).toHaveLength(0);
      expect(mailerEvents).toHaveLength(0);
    },
  );

  it("reads the header whatever its case, and sends a real TOKEN event", async () => {
    const { send, authorizerEvents } = await setup();
    expect((await send({ headers: [["AuthToken", TOKEN]] })).statusCode).toBe(200);
    expect(authorizerEvents).toEqual([
      {
        type: "TOKEN",
        authorizationToken: TOKEN,
        methodArn: "arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/POST/",
      },
    ]);
  });

  it("answers 401 when the authorizer throws Unauthorized, and does not cache it", async () => {
    const { send, authorizerEvents } = await setup();
    const wrong = "w".repeat(40);
    for (let i = 0; i < 2; i += 1) {
      const response = await send({ headers: [["authtoken", wrong]] });
      expect(response.statusCode).toBe(401);
      expect(json(response.body)).toEqual({ message: "Unauthorized" });
    }
    expect(authorizerEvents).toHaveLength(2);
  });

  it("answers 403 for a Deny policy", async () => {
    const { send, mailerEvents } = await setup({
      invokeAuthorizer: async () => ({
        ...allow(),
        policyDocument: {
          Version: "2012-10-17",
          Statement: [{ Effect: "Deny", Action: "execute-api:Invoke", Resource: "*" }],
        },
      }),
    });
    const response = await send();
    expect(response.statusCode).toBe(403);
    expect(json(response.body)).toEqual({
      message: "User is not authorized to access this resource",
    });
    expect(response.headers["Access-Control-Allow-Origin"]).toBe(ORIGIN);
    expect(mailerEvents).toHaveLength(0);
  });

  it("answers 500 when the authorizer fails otherwise or answers nonsense", async () => {
    const failing = await setup({
      invokeAuthorizer: async () => {
        throw new LambdaInvokeError("TypeError", "boom at /var/task/index.js:1");
      },
    });
    const failed = await failing.send();
    expect(failed.statusCode).toBe(500);
    expect(json(failed.body)).toEqual({ message: "Internal server error" });
    expect(failed.body.toString()).not.toContain("boom");
    const nonsense = await setup({ invokeAuthorizer: async () => ({ hello: "world" }) });
    expect((await nonsense.send()).statusCode).toBe(500);
  });

  it("caches the decision per token for the TTL, then asks again", async () => {
    const { send, authorizerEvents, advance } = await setup({
      limits: { burstLimit: 100, rateLimit: 100 },
    });
    await send();
    await send();
    expect(authorizerEvents).toHaveLength(1);
    advance(299_000);
    await send();
    expect(authorizerEvents).toHaveLength(1);
    advance(1_000);
    await send();
    expect(authorizerEvents).toHaveLength(2);
  });

  it("shares one authorizer call among concurrent first requests", async () => {
    const { send, authorizerEvents } = await setup();
    await Promise.all([send(), send(), send()]);
    expect(authorizerEvents).toHaveLength(1);
  });

  it("asks every time with a TTL of 0", async () => {
    const { send, authorizerEvents } = await setup({ limits: { authorizerCacheTtl: 0 } });
    await send();
    await send();
    expect(authorizerEvents).toHaveLength(2);
  });

  it("answers 403 Forbidden when the authorizer returns no usage plan key", async () => {
    const { send, mailerEvents } = await setup({
      invokeAuthorizer: async () => allow({ usageIdentifierKey: "not-a-plan-key" }),
    });
    const response = await send();
    expect(response.statusCode).toBe(403);
    expect(json(response.body)).toEqual({ message: "Forbidden" });
    expect(mailerEvents).toHaveLength(0);
  });
});

describe("throttling and quota", () => {
  it("answers 429 Too Many Requests past the burst, and admits again at the rate", async () => {
    const { send, advance, mailerEvents } = await setup();
    const statuses = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await send()).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const refused = await send();
    expect(json(refused.body)).toEqual({ message: "Too Many Requests" });
    expect(refused.headers["Access-Control-Allow-Origin"]).toBe(ORIGIN);
    advance(500);
    expect((await send()).statusCode).toBe(200);
    expect(mailerEvents).toHaveLength(4);
  });

  it("answers 429 Limit Exceeded past the daily quota, until the next UTC day", async () => {
    const { send, advance } = await setup({
      limits: { dailyQuota: 2, rateLimit: 100, burstLimit: 100 },
    });
    expect((await send()).statusCode).toBe(200);
    expect((await send()).statusCode).toBe(200);
    const refused = await send();
    expect(refused.statusCode).toBe(429);
    expect(json(refused.body)).toEqual({ message: "Limit Exceeded" });
    advance(14 * 60 * 60 * 1000);
    expect((await send()).statusCode).toBe(200);
  });

  it("authorizes before throttling: refused tokens use no throttle or quota", async () => {
    const { send } = await setup({ limits: { dailyQuota: 1, burstLimit: 1, rateLimit: 1 } });
    for (let i = 0; i < 5; i += 1) {
      expect((await send({ headers: [["authtoken", "x".repeat(40)]] })).statusCode).toBe(401);
    }
    expect((await send()).statusCode).toBe(200);
  });
});

describe("the proxy integration", () => {
  it("sends a REST proxy v1 event with the authorizer's principal and context", async () => {
    const { send, mailerEvents } = await setup();
    const body = Buffer.from('{"message":"Hi"}');
    await send({
      headers: [
        ["authtoken", TOKEN],
        ["Content-Type", "application/json"],
        ["X-Multi", "a"],
        ["X-Multi", "b"],
      ],
      body,
    });
    const event = mailerEvents[0];
    expect(event).toMatchObject({
      resource: "/",
      path: "/",
      httpMethod: "POST",
      body: '{"message":"Hi"}',
      isBase64Encoded: false,
      queryStringParameters: null,
      pathParameters: null,
      stageVariables: null,
      headers: { "Content-Type": "application/json", "X-Multi": "b" },
      multiValueHeaders: { "X-Multi": ["a", "b"] },
      requestContext: {
        stage: "prod",
        path: "/prod/",
        resourcePath: "/",
        httpMethod: "POST",
        apiId: "abc123",
        accountId: "123456789012",
        identity: { sourceIp: "127.0.0.1", apiKey: USAGE_KEY.value, apiKeyId: USAGE_KEY.id },
        authorizer: { principalId: "website-visitor", authorizedBy: "test" },
      },
    });
    expect(typeof event.requestContext.authorizer?.integrationLatency).toBe("number");
    expect(event.requestContext.requestTime).toMatch(/^25\/Nov\/2026:10:00:00 \+0000$/);
  });

  it("passes a bodyless POST as body null", async () => {
    const { send, mailerEvents } = await setup();
    await send();
    expect(mailerEvents[0].body).toBeNull();
  });

  it("returns the mailer's answer with its headers", async () => {
    const { send } = await setup({
      invokeMailer: async () => ({
        statusCode: 413,
        headers: { "Content-Type": "application/json" },
        multiValueHeaders: { "Set-Thing": ["1", "2"] },
        body: '{"error":"too big"}',
      }),
    });
    const response = await send();
    expect(response.statusCode).toBe(413);
    expect(json(response.body)).toEqual({ error: "too big" });
    expect(response.headers["Set-Thing"]).toEqual(["1", "2"]);
    expect(response.headers["x-amzn-RequestId"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    ["a thrown error", () => Promise.reject(new LambdaInvokeError("Error", "secret detail"))],
    ["no statusCode", () => Promise.resolve({ body: "x" })],
    ["a non-string body", () => Promise.resolve({ statusCode: 200, body: { a: 1 } })],
    ["null", () => Promise.resolve(null)],
  ])("answers 502 for %s from the mailer, with CORS and no detail", async (_label, mailer) => {
    const { send } = await setup({ invokeMailer: mailer });
    const response = await send();
    expect(response.statusCode).toBe(502);
    expect(json(response.body)).toEqual({ message: "Internal server error" });
    expect(response.headers["Access-Control-Allow-Origin"]).toBe(ORIGIN);
  });
});

describe("invoke permissions and reserved concurrency, as Lambda enforces them", () => {
  const withGrants =
    (fnName: "authorizer" | "mailer", sourceArns: string[]) => (model: GatewayModel) => {
      const name = fnName === "authorizer" ? model.authorizers[0].function : mailerOf(model);
      return {
        ...model,
        functions: model.functions.map((fn) =>
          fn.name !== name
            ? fn
            : {
                ...fn,
                invokeGrants: sourceArns.map((sourceArn) => ({
                  name: "p",
                  sourceArn,
                  sourceAccount: undefined,
                })),
              },
        ),
      };
    };
  const mailerOf = (model: GatewayModel) =>
    model.methods.flatMap((m) =>
      m.integration.type === "AWS_PROXY" ? [m.integration.function] : [],
    )[0];
  const apiArn = `arn:aws:execute-api:${API.region}:${API.accountId}:${API.apiId}`;

  it("serves the program's own permissions: the mailer for POST / on prod, the authorizer", async () => {
    const { send, mailerEvents } = await setup();
    expect((await send()).statusCode).toBe(200);
    expect(mailerEvents).toHaveLength(1);
  });

  it.each([
    ["no permission at all", []],
    ["a permission for another stage", [`${apiArn}/dev/POST/`]],
    ["a permission for another method", [`${apiArn}/prod/GET/`]],
    [
      "a permission for another API",
      [`arn:aws:execute-api:${API.region}:${API.accountId}:other/*/*/*`],
    ],
  ])("answers 500 and never runs the mailer with %s", async (_label, arns) => {
    const { send, mailerEvents } = await setup({ adjust: withGrants("mailer", arns) });
    const response = await send();
    expect(response.statusCode).toBe(500);
    expect(json(response.body)).toEqual({ message: "Internal server error" });
    expect(response.headers["Access-Control-Allow-Origin"]).toBe(ORIGIN);
    expect(mailerEvents).toHaveLength(0);
  });

  it("invokes the mailer under a wildcard permission of this API", async () => {
    const { send, mailerEvents } = await setup({
      adjust: withGrants("mailer", [`${apiArn}/*/*/*`]),
    });
    // `*` matches the empty path of the root resource as well.
    expect((await send()).statusCode).toBe(200);
    expect(mailerEvents).toHaveLength(1);
  });

  it("answers 500 AuthorizerConfigurationException when the authorizer may not be invoked", async () => {
    const { send, authorizerEvents, mailerEvents } = await setup({
      adjust: withGrants("authorizer", [`${apiArn}/authorizers/someone-else`]),
    });
    const response = await send();
    expect(response.statusCode).toBe(500);
    expect(response.headers["x-amzn-ErrorType"]).toBe("AuthorizerConfigurationException");
    expect(authorizerEvents).toHaveLength(0);
    expect(mailerEvents).toHaveLength(0);
  });

  it("answers 500, not 502, when Lambda throttles the mailer (reserved concurrency)", async () => {
    const { send } = await setup({
      invokeMailer: async () => {
        throw new LambdaInvokeError("TooManyRequestsException", "Rate Exceeded.");
      },
    });
    const response = await send();
    expect(response.statusCode).toBe(500);
    expect(json(response.body)).toEqual({ message: "Internal server error" });
  });
});
