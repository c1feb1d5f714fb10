// The request pipeline of the deployed REST API's prod stage, reproduced in process. For each
// request, in API Gateway's order:
//   1. route: POST and OPTIONS on the root resource; anything else is 403 Missing Authentication
//      Token (API Gateway's answer for a path or method the API does not define);
//   2. OPTIONS: the MOCK preflight, open (browsers send it without the token);
//   3. the TOKEN authorizer: a missing or empty `authtoken` header, or one failing the identity
//      validation expression, is 401 without invoking the authorizer; otherwise its decision,
//      cached per token for authorizerCacheTtl, gives 401 (thrown "Unauthorized"), 403 (Deny)
//      or 500 (unusable answer);
//   4. the usage plan, fed by the key the authorizer returns (apiKeySource AUTHORIZER): an unknown
//      key is 403, then its throttle and its daily quota; 5. the stage's method throttle;
//   6. the mailer, through the Lambda proxy integration.
// Throttling and quotas come after the authorizer: AWS documents that with API keys from the
// authorizer, API Gateway reads the key from its answer, compares it with the usage plan's keys
// and "if there is a match, throttles the requests based on the plan's request limit and quota"
// (API Gateway developer guide, "Choose an API key source in API Gateway"), and that per-client
// usage plan limits are applied before per-method stage limits ("Throttle requests to your REST
// APIs", "How throttling limit settings are applied").
// Every answer of the gateway's own carries the CORS headers, as the deployed gateway responses do.
import { randomUUID } from "node:crypto";
import type { APIGatewayProxyResult } from "aws-lambda";
import { corsHeaders, preflightHeaders } from "../../handlers/cors";
import { TOKEN_HEADER, TOKEN_VALIDATION_EXPRESSION } from "../../infra/authorizer-contract";
import {
  GATEWAY_ANSWERS,
  gatewayAnswerBody,
  type GatewayAnswer,
} from "../../infra/gateway-responses";
import type { MailerSettings } from "../../infra/settings";
import { createAuthorizerCache } from "./authorizer-cache";
import { evaluateAuthorizerResult } from "./authorizer-result";
import { createDailyQuota } from "./daily-quota";
import { methodArn, proxyEvent, tokenAuthorizerEvent, type ApiIdentity } from "./events";
import { LambdaInvokeError } from "./lambda-container";
import { createTokenBucket, type TokenBucket } from "./token-bucket";

/** API Gateway's own payload limit for REST APIs (the mailer enforces its much smaller one). */
export const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

/**
 * Answers API Gateway gives that the deployed program does not customise one by one: they take
 * the DEFAULT_4XX/DEFAULT_5XX gateway responses' headers (CORS included) and keep their status.
 */
export const LOCAL_ONLY_ANSWERS = {
  integrationFailure: {
    responseType: "DEFAULT_5XX",
    statusCode: 502,
    message: "Internal server error",
  },
} as const satisfies Record<string, GatewayAnswer>;

export interface GatewayRequest {
  method: string;
  /** The URL path and query, starting with the stage: `/prod`, `/prod/?a=b`. */
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
  api: ApiIdentity;
  settings: Pick<
    MailerSettings,
    "allowedOrigin" | "rateLimit" | "burstLimit" | "dailyQuota" | "authorizerCacheTtl"
  >;
  /** The usage plan's API keys, by value, with their ids. */
  usagePlanKeys: Array<{ id: string; value: string }>;
  invokeAuthorizer(event: unknown): Promise<unknown>;
  invokeMailer(event: unknown, context: Record<string, unknown>): Promise<unknown>;
  now?: () => number;
}

export interface Gateway {
  handle(request: GatewayRequest): Promise<GatewayResponse>;
  /** One of the gateway's own answers, for the HTTP layer (a body over MAX_PAYLOAD_BYTES). */
  answer(answer: GatewayAnswer, outcome: string): GatewayResponse;
}

const TOKEN_PATTERN = new RegExp(TOKEN_VALIDATION_EXPRESSION);

export function createGateway(options: GatewayOptions): Gateway {
  const { api, settings } = options;
  const now = options.now ?? Date.now;
  const cors = corsHeaders(settings.allowedOrigin);
  const authorizerCache = createAuthorizerCache<unknown>({
    ttlSeconds: settings.authorizerCacheTtl,
    now,
  });
  const inFlight = new Map<string, Promise<unknown>>();
  const quota = createDailyQuota({ limit: settings.dailyQuota, now });
  const planBuckets = new Map<string, TokenBucket>();
  const stageBucket = createTokenBucket({
    rate: settings.rateLimit,
    burst: settings.burstLimit,
    now,
  });
  const keysByValue = new Map(options.usagePlanKeys.map((key) => [key.value, key]));

  const answer = (gatewayAnswer: GatewayAnswer, outcome: string): GatewayResponse => ({
    statusCode: gatewayAnswer.statusCode,
    headers: {
      "Content-Type": "application/json",
      ...cors,
      "x-amzn-ErrorType": errorType(gatewayAnswer),
    },
    body: Buffer.from(gatewayAnswerBody(gatewayAnswer)),
    outcome,
  });

  /** The authorizer's raw answer for this token: cached, or one shared invocation. */
  const authorize = async (token: string, event: unknown): Promise<unknown> => {
    const cached = authorizerCache.get(token);
    if (cached !== undefined) return cached;
    const running = inFlight.get(token);
    if (running !== undefined) return running;
    const call = options.invokeAuthorizer(event).then((result) => {
      authorizerCache.set(token, result);
      return result;
    });
    inFlight.set(token, call);
    try {
      return await call;
    } finally {
      inFlight.delete(token);
    }
  };

  const handle = async (request: GatewayRequest): Promise<GatewayResponse> => {
    const receivedAt = new Date(now());
    const requestId = randomUUID();
    const url = new URL(request.url, "http://localhost");
    const resourcePath = stagePath(url.pathname, api.stage);
    if (resourcePath !== "/" || !["POST", "OPTIONS"].includes(request.method)) {
      return answer(GATEWAY_ANSWERS.missingAuthenticationToken, "no-such-route");
    }
    if (request.method === "OPTIONS") {
      return {
        statusCode: 200,
        headers: {
          "Content-Type": "application/json",
          ...preflightHeaders(settings.allowedOrigin),
        },
        body: Buffer.alloc(0),
        outcome: "preflight",
      };
    }

    const token = headerValue(request.headers, TOKEN_HEADER);
    if (token === undefined || token === "") {
      return answer(GATEWAY_ANSWERS.unauthorized, "no-token");
    }
    if (!TOKEN_PATTERN.test(token)) return answer(GATEWAY_ANSWERS.unauthorized, "malformed-token");

    const incoming = {
      method: request.method,
      resourcePath,
      headers: request.headers,
      query: url.searchParams,
      body: request.body,
      sourceIp: request.sourceIp,
      requestId,
      receivedAt,
    };
    const authorizerStarted = now();
    let authorizerResult: unknown;
    try {
      authorizerResult = await authorize(token, tokenAuthorizerEvent(api, incoming, token));
    } catch (error) {
      if (error instanceof LambdaInvokeError && error.errorMessage === "Unauthorized") {
        return answer(GATEWAY_ANSWERS.unauthorized, "authorizer-refused");
      }
      return answer(GATEWAY_ANSWERS.authorizerFailure, "authorizer-failed");
    }
    const integrationLatency = now() - authorizerStarted;
    const decision = evaluateAuthorizerResult(
      authorizerResult,
      methodArn(api, request.method, resourcePath),
    );
    if (decision.kind === "invalid") {
      return answer(GATEWAY_ANSWERS.authorizerFailure, "authorizer-invalid-answer");
    }
    if (decision.kind === "deny") return answer(GATEWAY_ANSWERS.accessDenied, "denied");

    const apiKey = decision.usageIdentifierKey && keysByValue.get(decision.usageIdentifierKey);
    if (!apiKey) return answer(GATEWAY_ANSWERS.invalidApiKey, "no-usage-plan-key");
    let planBucket = planBuckets.get(apiKey.id);
    if (planBucket === undefined) {
      planBucket = createTokenBucket({ rate: settings.rateLimit, burst: settings.burstLimit, now });
      planBuckets.set(apiKey.id, planBucket);
    }
    if (!planBucket.tryTake()) return answer(GATEWAY_ANSWERS.throttled, "throttled");
    if (!quota.tryConsume(apiKey.id))
      return answer(GATEWAY_ANSWERS.quotaExceeded, "quota-exceeded");
    if (!stageBucket.tryTake()) return answer(GATEWAY_ANSWERS.throttled, "throttled");

    const event = proxyEvent(
      api,
      incoming,
      { principalId: decision.principalId, context: decision.context, integrationLatency },
      apiKey,
    );
    let result: unknown;
    try {
      result = await options.invokeMailer(event, { awsRequestId: requestId });
    } catch {
      return answer(LOCAL_ONLY_ANSWERS.integrationFailure, "mailer-failed");
    }
    const response = toHttpResponse(result);
    if (response === undefined) {
      return answer(LOCAL_ONLY_ANSWERS.integrationFailure, "mailer-malformed-answer");
    }
    response.headers["x-amzn-RequestId"] = requestId;
    return { ...response, outcome: `mailer-${response.statusCode}` };
  };

  return {
    async handle(request) {
      const response = await handle(request);
      response.headers["x-amzn-RequestId"] ??= randomUUID();
      return response;
    },
    answer,
  };
}

/** "/" for the stage's root, the rest of the path under it, or undefined outside the stage. */
function stagePath(pathname: string, stage: string): string | undefined {
  const prefix = `/${stage}`;
  if (pathname === prefix) return "/";
  if (!pathname.startsWith(`${prefix}/`)) return undefined;
  return pathname.slice(prefix.length);
}

function headerValue(headers: Array<[string, string]>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return headers.find(([key]) => key.toLowerCase() === wanted)?.[1];
}

function errorType(answer: GatewayAnswer): string {
  const types: Record<string, string> = {
    UNAUTHORIZED: "UnauthorizedException",
    ACCESS_DENIED: "AccessDeniedException",
    MISSING_AUTHENTICATION_TOKEN: "MissingAuthenticationTokenException",
    INVALID_API_KEY: "ForbiddenException",
    THROTTLED: "TooManyRequestsException",
    QUOTA_EXCEEDED: "LimitExceededException",
    AUTHORIZER_FAILURE: "AuthorizerConfigurationException",
    REQUEST_TOO_LARGE: "RequestTooLargeException",
  };
  return types[answer.responseType] ?? "InternalServerErrorException";
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
