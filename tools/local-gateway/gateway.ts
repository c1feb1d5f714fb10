// The request pipeline of a deployed REST API, reproduced in process from the model read from the
// program (read-program.ts). For each request, in API Gateway's order:
//   1. stage: the first path segment names a declared stage, or the answer is 403
//      {"message":"Forbidden"} (no gateway response applies: there is no stage); stage names are
//      case-sensitive and paths are taken as sent (no dot-segment normalisation);
//   2. WAF: rate-based rules of a web ACL associated with the stage, per client address
//      (403 WAF_FILTERED);
//   3. route: the resource path and method (or ANY); none is 403 Missing Authentication Token;
//   4. a CUSTOM method's TOKEN authorizer: a missing or empty identity header, or one failing the
//      identity validation expression, is 401 without invoking the authorizer; otherwise its
//      decision, cached per token for its TTL, gives 401 (thrown "Unauthorized"), 403 (Deny) or
//      500 (unusable answer);
//   5. a method requiring an API key: the key (the authorizer's usageIdentifierKey with
//      apiKeySource AUTHORIZER, else the x-api-key header) must belong to a usage plan of the
//      stage (403), then the plan's throttle (per method if declared) and its quota (429);
//   6. the stage's method throttle (MethodSettings, the most specific method path, `*/*` included:
//      OPTIONS too), one token bucket per method;
//   7. the integration: AWS_PROXY invokes the function (an event over Lambda's 6 MB synchronous
//      payload limit is refused with 413 and never reaches it), MOCK answers from its responses.
// A function (authorizer or integration) is invoked only when its resource policy lets this API,
// stage, method and path call it (invoke-permissions.ts), and within its reserved concurrency;
// otherwise API Gateway cannot invoke it and answers 500.
// Throttling and quotas come after the authorizer: AWS documents that with API keys from the
// authorizer, API Gateway reads the key from its answer, compares it with the usage plan's keys
// and "if there is a match, throttles the requests based on the plan's request limit and quota"
// (API Gateway developer guide, "Choose an API key source in API Gateway"), and that per-client
// usage plan limits are applied before per-method stage limits ("Throttle requests to your REST
// APIs", "How throttling limit settings are applied"); stage limits apply to each method apart.
// The gateway's own answers take the program's gateway responses (a type not customised takes
// DEFAULT_4XX's or DEFAULT_5XX's headers and template, as API Gateway does).
import { randomUUID } from "node:crypto";
import type { APIGatewayProxyResult } from "aws-lambda";
import {
  GATEWAY_ANSWERS,
  UNCUSTOMISED_ANSWERS,
  NO_SUCH_STAGE_ANSWER,
  gatewayErrorType,
  type GatewayAnswer,
} from "../../contracts/gateway-answers";
import { createAuthorizerCache, type AuthorizerCache } from "./authorizer-cache";
import { evaluateAuthorizerResult } from "./authorizer-result";
import { createDailyQuota, type DailyQuota } from "./daily-quota";
import { methodArn, proxyEvent, tokenAuthorizerEvent, type ApiIdentity } from "./events";
import { grantsInvoke } from "./invoke-permissions";
import { LambdaInvokeError, THROTTLED_BY_LAMBDA } from "./lambda-container";
import type {
  GatewayModel,
  MethodModel,
  MethodThrottleModel,
  MockResponseModel,
  ThrottleLimits,
  UsagePlanModel,
} from "./model";
import { findRoute } from "./route-match";
import { createTokenBucket, type TokenBucket } from "./token-bucket";
import { createRateWindow, type RateWindow } from "./waf-rate-window";

/** API Gateway's own payload limit for REST APIs. */
export const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
/** Lambda's synchronous invocation payload limit (the whole event, not just the body). */
export const LAMBDA_SYNC_PAYLOAD_BYTES = 6 * 1024 * 1024;

export interface GatewayRequest {
  method: string;
  /** The raw request target: path (with the stage first) and query, as sent. */
  url: string;
  /** Header names as sent, each value apart. */
  headers: Array<[string, string]>;
  body: Buffer;
  sourceIp: string;
}

export interface GatewayResponse {
  statusCode: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
  /** A short label for the log line (never a token or a body). */
  outcome: string;
}

export interface GatewayOptions {
  model: GatewayModel;
  /** Invokes one of the model's functions by name. */
  invoke(functionName: string, event: unknown, context: Record<string, unknown>): Promise<unknown>;
  now?: () => number;
}

export interface Gateway {
  handle(request: GatewayRequest): Promise<GatewayResponse>;
  /** One of the gateway's own answers, for the HTTP layer (a body over MAX_PAYLOAD_BYTES). */
  answer(answer: GatewayAnswer, outcome: string): GatewayResponse;
  /** The stage a request target belongs to, if any. */
  stageOf(url: string): string | undefined;
}

export function createGateway(options: GatewayOptions): Gateway {
  const { model } = options;
  const now = options.now ?? Date.now;
  const stages = new Map(model.stages.map((stage) => [stage.name, stage]));
  const authorizers = new Map(model.authorizers.map((a) => [a.id, a]));
  const caches = new Map<string, AuthorizerCache<unknown>>();
  const inFlight = new Map<string, Promise<unknown>>();
  const buckets = new Map<string, TokenBucket | "closed">();
  const quotas = new Map<string, DailyQuota>();
  const wafWindows = new Map<string, RateWindow>();
  const functions = new Map(model.functions.map((fn) => [fn.name, fn]));
  const executeApiArn = model.api.executionArn;
  /** Whether the function's resource policy lets API Gateway invoke it for this caller ARN. */
  const mayInvoke = (functionName: string, sourceArn: string): boolean => {
    const fn = functions.get(functionName);
    return fn !== undefined && grantsInvoke(fn.invokeGrants, sourceArn, model.api.accountId);
  };

  const answer = (gatewayAnswer: GatewayAnswer, outcome: string): GatewayResponse => {
    const own = model.gatewayResponses[gatewayAnswer.responseType];
    const fallback =
      model.gatewayResponses[gatewayAnswer.statusCode >= 500 ? "DEFAULT_5XX" : "DEFAULT_4XX"];
    const custom = own ?? fallback;
    const template = custom?.template;
    const body =
      template === undefined
        ? JSON.stringify({ message: gatewayAnswer.message })
        : template
            .replace(/\$context\.error\.messageString/g, JSON.stringify(gatewayAnswer.message))
            .replace(/\$context\.error\.message/g, gatewayAnswer.message);
    return {
      statusCode: own?.statusCode ?? gatewayAnswer.statusCode,
      headers: {
        "Content-Type": "application/json",
        ...custom?.headers,
        "x-amzn-ErrorType": gatewayErrorType(gatewayAnswer),
      },
      body: Buffer.from(body),
      outcome,
    };
  };

  /** Outside any stage there is no deployment, so no gateway response applies. */
  const forbidden = (): GatewayResponse => ({
    statusCode: NO_SUCH_STAGE_ANSWER.statusCode,
    headers: {
      "Content-Type": "application/json",
      "x-amzn-ErrorType": NO_SUCH_STAGE_ANSWER.errorType,
    },
    body: Buffer.from(JSON.stringify({ message: NO_SUCH_STAGE_ANSWER.message })),
    outcome: "no-such-stage",
  });

  const bucket = (key: string, limits: ThrottleLimits): TokenBucket | "closed" | undefined => {
    if (limits.rateLimit < 0 || limits.burstLimit < 0) return undefined; // -1: off
    let found = buckets.get(key);
    if (found === undefined) {
      found =
        limits.rateLimit === 0 || limits.burstLimit === 0
          ? "closed"
          : createTokenBucket({ rate: limits.rateLimit, burst: limits.burstLimit, now });
      buckets.set(key, found);
    }
    return found;
  };
  const admits = (key: string, limits: ThrottleLimits | undefined): boolean => {
    if (limits === undefined) return true;
    const found = bucket(key, limits);
    return found === undefined || (found !== "closed" && found.tryTake());
  };

  /** The authorizer's raw answer for this token: cached, or one shared invocation. */
  const authorize = async (authorizerId: string, token: string, event: unknown) => {
    const authorizer = authorizers.get(authorizerId)!;
    let cache = caches.get(authorizerId);
    if (cache === undefined) {
      cache = createAuthorizerCache<unknown>({ ttlSeconds: authorizer.ttlSeconds, now });
      caches.set(authorizerId, cache);
    }
    const cached = cache.get(token);
    if (cached !== undefined) return cached;
    const flightKey = `${authorizerId}\n${token}`;
    const running = inFlight.get(flightKey);
    if (running !== undefined) return running;
    const store = cache;
    const call = options
      .invoke(authorizer.function, event, { awsRequestId: randomUUID() })
      .then((result) => {
        store.set(token, result);
        return result;
      });
    inFlight.set(flightKey, call);
    try {
      return await call;
    } finally {
      inFlight.delete(flightKey);
    }
  };

  const handle = async (request: GatewayRequest): Promise<GatewayResponse> => {
    const receivedAt = new Date(now());
    const requestId = randomUUID();
    const target = splitTarget(request.url);
    const stage = stages.get(target.stage);
    if (stage === undefined) return forbidden();

    for (const rule of stage.wafRateRules) {
      if (rule.notEmulated !== undefined) continue;
      if (rule.method !== undefined && rule.method !== request.method) continue;
      const key = `${stage.name}\n${rule.name}\n${request.sourceIp}`;
      let window = wafWindows.get(key);
      if (window === undefined) {
        window = createRateWindow({ limit: rule.limit, windowSeconds: rule.windowSeconds, now });
        wafWindows.set(key, window);
      }
      if (!window.admit()) return answer(GATEWAY_ANSWERS.wafFiltered, `waf-${rule.name}`);
    }

    const route = findRoute(model.methods, target.resourcePath, request.method);
    if (route === undefined) {
      return answer(GATEWAY_ANSWERS.missingAuthenticationToken, "no-such-route");
    }
    const { method } = route;
    const api: ApiIdentity = {
      region: model.api.region,
      accountId: model.api.accountId,
      apiId: executeApiId(model.api.id),
      stage: stage.name,
    };
    const incoming = {
      method: request.method,
      resourcePath: method.resourcePath,
      path: target.resourcePath,
      pathParameters: route.pathParameters,
      resourceId: method.resourceId,
      headers: request.headers,
      query: target.query,
      body: request.body,
      sourceIp: request.sourceIp,
      requestId,
      receivedAt,
    };

    let authorizerContext:
      | {
          principalId: string;
          context: Record<string, string | number | boolean>;
          integrationLatency: number;
        }
      | undefined;
    let usageIdentifierKey: string | undefined;
    if (method.authorization === "CUSTOM") {
      const authorizer = authorizers.get(method.authorizerId!)!;
      const token = headerValue(request.headers, authorizer.header);
      if (token === undefined || token === "") {
        return answer(GATEWAY_ANSWERS.unauthorized, "no-token");
      }
      if (authorizer.validationExpression && !authorizer.validationExpression.test(token)) {
        return answer(GATEWAY_ANSWERS.unauthorized, "malformed-token");
      }
      if (!mayInvoke(authorizer.function, `${executeApiArn}/authorizers/${authorizer.id}`)) {
        return answer(UNCUSTOMISED_ANSWERS.authorizerNotInvoked, "authorizer-not-permitted");
      }
      const started = now();
      let result: unknown;
      try {
        result = await authorize(authorizer.id, token, tokenAuthorizerEvent(api, incoming, token));
      } catch (error) {
        if (error instanceof LambdaInvokeError && error.errorMessage === "Unauthorized") {
          return answer(GATEWAY_ANSWERS.unauthorized, "authorizer-refused");
        }
        if (error instanceof LambdaInvokeError && error.errorType === THROTTLED_BY_LAMBDA) {
          return answer(UNCUSTOMISED_ANSWERS.authorizerNotInvoked, "authorizer-throttled");
        }
        return answer(GATEWAY_ANSWERS.authorizerFailure, "authorizer-failed");
      }
      const decision = evaluateAuthorizerResult(
        result,
        methodArn(api, request.method, target.resourcePath),
      );
      if (decision.kind === "invalid") {
        return answer(GATEWAY_ANSWERS.authorizerFailure, "authorizer-invalid-answer");
      }
      if (decision.kind === "deny") return answer(GATEWAY_ANSWERS.accessDenied, "denied");
      authorizerContext = {
        principalId: decision.principalId,
        context: decision.context,
        integrationLatency: now() - started,
      };
      usageIdentifierKey = decision.usageIdentifierKey;
    }

    let apiKey: { id: string; value: string } | undefined;
    if (method.apiKeyRequired) {
      const value =
        model.api.apiKeySource === "AUTHORIZER"
          ? usageIdentifierKey
          : headerValue(request.headers, "x-api-key");
      const match = value === undefined ? undefined : planWithKey(stage.usagePlans, value);
      if (match === undefined) return answer(GATEWAY_ANSWERS.invalidApiKey, "no-usage-plan-key");
      apiKey = match.key;
      const { plan } = match;
      const planThrottle = mostSpecific(
        plan.methodThrottles.filter((t) => t.stage === stage.name),
        method,
      );
      const planKey = `plan\n${plan.id}\n${apiKey.id}`;
      const limits = planThrottle?.limits ?? plan.throttle;
      const scope = planThrottle
        ? `${planKey}\n${method.httpMethod} ${method.resourcePath}`
        : planKey;
      if (!admits(scope, limits)) return answer(GATEWAY_ANSWERS.throttled, "throttled");
      if (plan.quota) {
        let quota = quotas.get(plan.id);
        if (quota === undefined) {
          quota = createDailyQuota({ limit: plan.quota.limit, now });
          quotas.set(plan.id, quota);
        }
        if (!quota.tryConsume(apiKey.id)) {
          return answer(GATEWAY_ANSWERS.quotaExceeded, "quota-exceeded");
        }
      }
    }

    const stageThrottle = mostSpecific(stage.methodThrottles, method);
    const methodKey = `stage\n${stage.name}\n${method.httpMethod} ${method.resourcePath}`;
    if (!admits(methodKey, stageThrottle?.limits)) {
      return answer(GATEWAY_ANSWERS.throttled, "throttled");
    }

    const integration = method.integration;
    if (integration.type === "MOCK") {
      const mocked = mockAnswer(integration.statusCode, integration.responses);
      // A MOCK answer to OPTIONS is how REST APIs answer CORS preflights.
      if (request.method === "OPTIONS" && mocked.statusCode < 300) mocked.outcome = "preflight";
      return mocked;
    }

    const event = proxyEvent(
      api,
      incoming,
      authorizerContext ?? { principalId: "", context: {}, integrationLatency: 0 },
      apiKey,
      authorizerContext !== undefined,
    );
    if (Buffer.byteLength(JSON.stringify(event)) > LAMBDA_SYNC_PAYLOAD_BYTES) {
      return answer(GATEWAY_ANSWERS.requestTooLarge, "lambda-payload-too-large");
    }
    // The resource path as declared (`/items/{id}`), `/` standing for the root.
    const callerArn = `${executeApiArn}/${stage.name}/${request.method}${method.resourcePath}`;
    if (!mayInvoke(integration.function, callerArn)) {
      return answer(
        UNCUSTOMISED_ANSWERS.integrationNotInvoked,
        `${integration.function}-not-permitted`,
      );
    }
    let result: unknown;
    try {
      result = await options.invoke(integration.function, event, { awsRequestId: requestId });
    } catch (error) {
      if (error instanceof LambdaInvokeError && error.errorType === THROTTLED_BY_LAMBDA) {
        return answer(
          UNCUSTOMISED_ANSWERS.integrationNotInvoked,
          `${integration.function}-throttled`,
        );
      }
      return answer(UNCUSTOMISED_ANSWERS.integrationFailure, `${integration.function}-failed`);
    }
    const response = toHttpResponse(result);
    if (response === undefined) {
      return answer(
        UNCUSTOMISED_ANSWERS.integrationFailure,
        `${integration.function}-malformed-answer`,
      );
    }
    response.headers["x-amzn-RequestId"] = requestId;
    return { ...response, outcome: `${integration.function}-${response.statusCode}` };
  };

  const mockAnswer = (status: number, responses: MockResponseModel[]): GatewayResponse => {
    const selected =
      responses.find(
        (r) =>
          r.selectionPattern !== undefined &&
          new RegExp(`^${r.selectionPattern}$`).test(String(status)),
      ) ?? responses.find((r) => r.selectionPattern === undefined);
    if (selected === undefined) return answer(UNCUSTOMISED_ANSWERS.mockNoMatch, "mock-no-response");
    return {
      statusCode: Number(selected.statusCode),
      headers: { "Content-Type": "application/json", ...selected.headers },
      body: Buffer.from(selected.body),
      outcome: `mock-${selected.statusCode}`,
    };
  };

  return {
    async handle(request) {
      const response = await handle(request);
      response.headers["x-amzn-RequestId"] ??= randomUUID();
      return response;
    },
    answer,
    stageOf(url) {
      const { stage } = splitTarget(url);
      return stages.has(stage) ? stage : undefined;
    },
  };
}

/** Stage, resource path and query from the raw target, with no normalisation of the path. */
function splitTarget(url: string): { stage: string; resourcePath: string; query: URLSearchParams } {
  const queryAt = url.indexOf("?");
  const path = queryAt < 0 ? url : url.slice(0, queryAt);
  const query = new URLSearchParams(queryAt < 0 ? "" : url.slice(queryAt + 1));
  const rest = path.replace(/^\//, "");
  const slash = rest.indexOf("/");
  const stage = slash < 0 ? rest : rest.slice(0, slash);
  let resourcePath = slash < 0 ? "/" : rest.slice(slash);
  // API Gateway takes /stage/items/ as /stage/items (and /stage/ as the root).
  if (resourcePath.length > 1 && resourcePath.endsWith("/"))
    resourcePath = resourcePath.slice(0, -1);
  return { stage, resourcePath, query };
}

/** The throttle for a method: its own method path, then its path with any method, then `*\/*`. */
function mostSpecific(
  throttles: MethodThrottleModel[],
  method: MethodModel,
): MethodThrottleModel | undefined {
  const score = (t: MethodThrottleModel) => {
    const path = t.resourcePath === method.resourcePath ? 2 : t.resourcePath === "*" ? 0 : -10;
    const verb = t.httpMethod === method.httpMethod ? 1 : t.httpMethod === "*" ? 0 : -10;
    return path + verb;
  };
  return throttles.filter((t) => score(t) >= 0).sort((a, b) => score(b) - score(a))[0];
}

function planWithKey(
  plans: UsagePlanModel[],
  value: string,
): { plan: UsagePlanModel; key: { id: string; value: string } } | undefined {
  for (const plan of plans) {
    const key = plan.keys.find((candidate) => candidate.value === value);
    if (key) return { plan, key };
  }
  return undefined;
}

/** API Gateway ids are alphanumeric: the mocks' `name-id` ids are made to look like one. */
export function executeApiId(id: string): string {
  return id.replace(/[^A-Za-z0-9]/g, "");
}

function headerValue(headers: Array<[string, string]>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return headers.find(([key]) => key.toLowerCase() === wanted)?.[1];
}

/** A Lambda proxy answer as API Gateway reads it; undefined when it is malformed (502). */
function toHttpResponse(
  result: unknown,
): { statusCode: number; headers: Record<string, string | string[]>; body: Buffer } | undefined {
  if (typeof result !== "object" || result === null) return undefined;
  const proxy = result as Partial<APIGatewayProxyResult>;
  const statusCode = proxy.statusCode;
  if (typeof statusCode !== "number" || !Number.isInteger(statusCode)) return undefined;
  if (statusCode < 100 || statusCode > 599) return undefined;
  if (proxy.body !== undefined && proxy.body !== null && typeof proxy.body !== "string") {
    return undefined;
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, values] of Object.entries(proxy.multiValueHeaders ?? {})) {
    if (!Array.isArray(values)) return undefined;
    headers[name] = values.map(String);
  }
  for (const [name, value] of Object.entries(proxy.headers ?? {})) {
    if (typeof value === "object") return undefined;
    headers[name] = String(value);
  }
  const text = proxy.body ?? "";
  const body = proxy.isBase64Encoded ? Buffer.from(text, "base64") : Buffer.from(text, "utf8");
  return { statusCode, headers, body };
}
