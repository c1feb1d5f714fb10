// The steps of the local gateway's pipeline (gateway.ts lists them in API Gateway's order). Each
// step either answers, which ends the request, or returns undefined and passes it on. The steps
// share the gateway's state (GatewayState) and the request as routed so far (Call).
import {
  GATEWAY_ANSWERS,
  UNCUSTOMISED_ANSWERS,
  type GatewayAnswer,
} from "../../contracts/gateway-answers";
import { evaluateAuthorizerResult } from "./authorizer-result";
import { methodArn, tokenAuthorizerEvent, type ApiIdentity, type RoutedRequest } from "./events";
import type { GatewayRequest, GatewayResponse } from "./gateway";
import { grantsInvoke } from "./invoke-permissions";
import { LambdaInvokeError, THROTTLED_BY_LAMBDA } from "./lambda-container";
import { mostSpecific, planWithKey, type Limiters } from "./limiters";
import type {
  GatewayModel,
  LambdaFunctionModel,
  MethodModel,
  StageModel,
  TokenAuthorizerModel,
} from "./model";
import { findRoute } from "./route-match";

/** What lives as long as the gateway: the model, its indexes, the limiters and caches. */
export interface GatewayState {
  model: GatewayModel;
  now: () => number;
  /** Invokes one of the model's functions by name. */
  invoke(functionName: string, event: unknown, context: Record<string, unknown>): Promise<unknown>;
  stages: Map<string, StageModel>;
  authorizers: Map<string, TokenAuthorizerModel>;
  functions: Map<string, LambdaFunctionModel>;
  limiters: Limiters;
  /** The authorizer's raw answer for a token: cached, or one shared invocation. */
  authorizerAnswer(
    authorizer: TokenAuthorizerModel,
    token: string,
    event: unknown,
  ): Promise<unknown>;
  /** One of the gateway's own answers, through the program's gateway responses. */
  answer(answer: GatewayAnswer, outcome: string): GatewayResponse;
}

/** What the authorizer's Allow gives the integration ($context.authorizer). */
export interface AuthorizerOutcome {
  principalId: string;
  context: Record<string, string | number | boolean>;
  integrationLatency: number;
}

/** A request matched to a method of a stage, and what the steps found about it so far. */
export interface Call {
  request: GatewayRequest;
  stage: StageModel;
  method: MethodModel;
  api: ApiIdentity;
  routed: RoutedRequest;
  /** Set by `authorize` when the method has a CUSTOM authorizer that allowed the request. */
  authorized?: AuthorizerOutcome;
  usageIdentifierKey?: string;
  /** Set by `applyUsagePlan` when the method requires an API key. */
  apiKey?: { id: string; value: string };
}

/** The request's stage, and what arrived with it, as API Gateway splits the target. */
export interface Target {
  stage: string;
  resourcePath: string;
  query: URLSearchParams;
}

/** Whether the function's resource policy lets API Gateway invoke it for this caller ARN. */
export function mayInvoke(gw: GatewayState, functionName: string, sourceArn: string): boolean {
  const fn = gw.functions.get(functionName);
  return fn !== undefined && grantsInvoke(fn.invokeGrants, sourceArn, gw.model.api.accountId);
}

/** 2. The rate-based rules of the stage's web ACL, per client address. */
export function applyWaf(
  gw: GatewayState,
  stage: StageModel,
  request: GatewayRequest,
): GatewayResponse | undefined {
  for (const rule of stage.wafRateRules) {
    if (rule.notEmulated !== undefined) continue;
    if (rule.method !== undefined && rule.method !== request.method) continue;
    const scope = `${stage.name}\n${rule.name}\n${request.sourceIp}`;
    if (!gw.limiters.wafAdmits(scope, rule)) {
      return gw.answer(GATEWAY_ANSWERS.wafFiltered, `waf-${rule.name}`);
    }
  }
  return undefined;
}

/** 3. The method for the resource path and HTTP method (or ANY); undefined when there is none. */
export function route(
  gw: GatewayState,
  request: GatewayRequest,
  target: Target,
  stage: StageModel,
  received: { requestId: string; receivedAt: Date },
): Call | undefined {
  const found = findRoute(gw.model.methods, target.resourcePath, request.method);
  if (found === undefined) return undefined;
  const { method } = found;
  const { region, accountId, id } = gw.model.api;
  return {
    request,
    stage,
    method,
    api: { region, accountId, apiId: executeApiId(id), stage: stage.name },
    routed: {
      method: request.method,
      resourcePath: method.resourcePath,
      path: target.resourcePath,
      pathParameters: found.pathParameters,
      resourceId: method.resourceId,
      headers: request.headers,
      query: target.query,
      body: request.body,
      sourceIp: request.sourceIp,
      ...received,
    },
  };
}

/** 4. A CUSTOM method's TOKEN authorizer: the identity header, then the authorizer's decision. */
export async function authorize(
  gw: GatewayState,
  call: Call,
): Promise<GatewayResponse | undefined> {
  if (call.method.authorization !== "CUSTOM") return undefined;
  const authorizer = gw.authorizers.get(call.method.authorizerId!)!;
  const token = headerValue(call.request.headers, authorizer.header);
  if (token === undefined || token === "") {
    return gw.answer(GATEWAY_ANSWERS.unauthorized, "no-token");
  }
  if (authorizer.validationExpression && !authorizer.validationExpression.test(token)) {
    return gw.answer(GATEWAY_ANSWERS.unauthorized, "malformed-token");
  }
  const callerArn = `${gw.model.api.executionArn}/authorizers/${authorizer.id}`;
  if (!mayInvoke(gw, authorizer.function, callerArn)) {
    return gw.answer(UNCUSTOMISED_ANSWERS.authorizerNotInvoked, "authorizer-not-permitted");
  }
  const started = gw.now();
  let result: unknown;
  try {
    const event = tokenAuthorizerEvent(call.api, call.routed, token);
    result = await gw.authorizerAnswer(authorizer, token, event);
  } catch (error) {
    if (error instanceof LambdaInvokeError && error.errorMessage === "Unauthorized") {
      return gw.answer(GATEWAY_ANSWERS.unauthorized, "authorizer-refused");
    }
    if (error instanceof LambdaInvokeError && error.errorType === THROTTLED_BY_LAMBDA) {
      return gw.answer(UNCUSTOMISED_ANSWERS.authorizerNotInvoked, "authorizer-throttled");
    }
    return gw.answer(GATEWAY_ANSWERS.authorizerFailure, "authorizer-failed");
  }
  const decision = evaluateAuthorizerResult(
    result,
    methodArn(call.api, call.request.method, call.routed.path),
  );
  if (decision.kind === "invalid") {
    return gw.answer(GATEWAY_ANSWERS.authorizerFailure, "authorizer-invalid-answer");
  }
  if (decision.kind === "deny") return gw.answer(GATEWAY_ANSWERS.accessDenied, "denied");
  call.authorized = {
    principalId: decision.principalId,
    context: decision.context,
    integrationLatency: gw.now() - started,
  };
  call.usageIdentifierKey = decision.usageIdentifierKey;
  return undefined;
}

/** 5. A method requiring an API key: the key's usage plan, its throttle, then its quota. */
export function applyUsagePlan(gw: GatewayState, call: Call): GatewayResponse | undefined {
  const { method, stage } = call;
  if (!method.apiKeyRequired) return undefined;
  const value =
    gw.model.api.apiKeySource === "AUTHORIZER"
      ? call.usageIdentifierKey
      : headerValue(call.request.headers, "x-api-key");
  const match = value === undefined ? undefined : planWithKey(stage.usagePlans, value);
  if (match === undefined) return gw.answer(GATEWAY_ANSWERS.invalidApiKey, "no-usage-plan-key");
  const { plan, key } = match;
  call.apiKey = key;
  const planThrottle = mostSpecific(
    plan.methodThrottles.filter((t) => t.stage === stage.name),
    method,
  );
  const planScope = `plan\n${plan.id}\n${key.id}`;
  const scope = planThrottle
    ? `${planScope}\n${method.httpMethod} ${method.resourcePath}`
    : planScope;
  if (!gw.limiters.throttleAdmits(scope, planThrottle?.limits ?? plan.throttle)) {
    return gw.answer(GATEWAY_ANSWERS.throttled, "throttled");
  }
  if (!gw.limiters.quotaAdmits(plan, key.id)) {
    return gw.answer(GATEWAY_ANSWERS.quotaExceeded, "quota-exceeded");
  }
  return undefined;
}

/** 6. The stage's method throttle (the most specific method path), one bucket per method. */
export function applyStageThrottle(gw: GatewayState, call: Call): GatewayResponse | undefined {
  const { method, stage } = call;
  const throttle = mostSpecific(stage.methodThrottles, method);
  const scope = `stage\n${stage.name}\n${method.httpMethod} ${method.resourcePath}`;
  if (gw.limiters.throttleAdmits(scope, throttle?.limits)) return undefined;
  return gw.answer(GATEWAY_ANSWERS.throttled, "throttled");
}

/** API Gateway ids are alphanumeric: the mocks' `name-id` ids are made to look like one. */
export function executeApiId(id: string): string {
  return id.replace(/[^A-Za-z0-9]/g, "");
}

export function headerValue(headers: Array<[string, string]>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return headers.find(([key]) => key.toLowerCase() === wanted)?.[1];
}
