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
// DEFAULT_4XX's or DEFAULT_5XX's headers and template, as API Gateway does; answers.ts).
// Steps 2 to 6 are in gateway-steps.ts, step 7 in integrate.ts; each answers or passes on.
import { randomUUID } from "node:crypto";
import { GATEWAY_ANSWERS, type GatewayAnswer } from "../../contracts/gateway-answers";
import { noSuchStageAnswer, renderAnswer } from "./answers";
import { createAuthorizerCalls } from "./authorizer-cache";
import {
  applyStageThrottle,
  applyUsagePlan,
  applyWaf,
  authorize,
  route,
  type GatewayState,
  type Target,
} from "./gateway-steps";
import { integrate } from "./integrate";
import { createLimiters } from "./limiters";
import type { GatewayModel } from "./model";

/** API Gateway's own payload limit for REST APIs. */
export const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

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
  const { model, invoke } = options;
  const now = options.now ?? Date.now;
  const gw: GatewayState = {
    model,
    now,
    invoke,
    stages: new Map(model.stages.map((stage) => [stage.name, stage])),
    authorizers: new Map(model.authorizers.map((a) => [a.id, a])),
    functions: new Map(model.functions.map((fn) => [fn.name, fn])),
    limiters: createLimiters(now),
    authorizerAnswer: createAuthorizerCalls({
      invoke: (functionName, event) => invoke(functionName, event, { awsRequestId: randomUUID() }),
      now,
    }),
    answer: (answer, outcome) => renderAnswer(model.gatewayResponses, answer, outcome),
  };
  return {
    async handle(request) {
      const response = await handle(gw, request);
      response.headers["x-amzn-RequestId"] ??= randomUUID();
      return response;
    },
    answer: gw.answer,
    stageOf(url) {
      const { stage } = splitTarget(url);
      return gw.stages.has(stage) ? stage : undefined;
    },
  };
}

/** The pipeline: each step answers, or passes the request on to the next. */
async function handle(gw: GatewayState, request: GatewayRequest): Promise<GatewayResponse> {
  const received = { requestId: randomUUID(), receivedAt: new Date(gw.now()) };
  const target = splitTarget(request.url);
  // 1. The stage.
  const stage = gw.stages.get(target.stage);
  if (stage === undefined) return noSuchStageAnswer();
  // 2. The WAF.
  const blocked = applyWaf(gw, stage, request);
  if (blocked !== undefined) return blocked;
  // 3. The route.
  const call = route(gw, request, target, stage, received);
  if (call === undefined) {
    return gw.answer(GATEWAY_ANSWERS.missingAuthenticationToken, "no-such-route");
  }
  // 4. to 7.: the authorizer, the usage plan, the stage throttle, the integration.
  return (
    (await authorize(gw, call)) ??
    applyUsagePlan(gw, call) ??
    applyStageThrottle(gw, call) ??
    (await integrate(gw, call))
  );
}

/** Stage, resource path and query from the raw target, with no normalisation of the path. */
function splitTarget(url: string): Target {
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
