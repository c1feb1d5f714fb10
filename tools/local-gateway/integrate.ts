// 7. The integration, the last step of the local gateway's pipeline: AWS_PROXY invokes the
// function with the proxy event and reads its answer as API Gateway does; MOCK answers from the
// integration's responses.
import type { APIGatewayProxyResult } from "aws-lambda";
import { GATEWAY_ANSWERS, UNCUSTOMISED_ANSWERS } from "../../contracts/gateway-answers";
import { proxyEvent } from "./events";
import type { GatewayResponse } from "./gateway";
import { mayInvoke, type Call, type GatewayState } from "./gateway-steps";
import { LambdaInvokeError, THROTTLED_BY_LAMBDA } from "./lambda-container";
import type { MockResponseModel } from "./model";

/** Lambda's synchronous invocation payload limit (the whole event, not just the body). */
export const LAMBDA_SYNC_PAYLOAD_BYTES = 6 * 1024 * 1024;

export async function integrate(gw: GatewayState, call: Call): Promise<GatewayResponse> {
  const { integration } = call.method;
  if (integration.type === "MOCK") {
    const mocked = mockAnswer(gw, integration.statusCode, integration.responses);
    // A MOCK answer to OPTIONS is how REST APIs answer CORS preflights.
    if (call.request.method === "OPTIONS" && mocked.statusCode < 300) mocked.outcome = "preflight";
    return mocked;
  }
  const fn = integration.function;
  const event = proxyEvent(
    call.api,
    call.routed,
    call.authorized ?? { principalId: "", context: {}, integrationLatency: 0 },
    call.apiKey,
    call.authorized !== undefined,
  );
  if (Buffer.byteLength(JSON.stringify(event)) > LAMBDA_SYNC_PAYLOAD_BYTES) {
    return gw.answer(GATEWAY_ANSWERS.requestTooLarge, "lambda-payload-too-large");
  }
  // The resource path as declared (`/items/{id}`), `/` standing for the root.
  const callerArn = `${gw.model.api.executionArn}/${call.stage.name}/${call.request.method}${call.method.resourcePath}`;
  if (!mayInvoke(gw, fn, callerArn)) {
    return gw.answer(UNCUSTOMISED_ANSWERS.integrationNotInvoked, `${fn}-not-permitted`);
  }
  const { requestId } = call.routed;
  let result: unknown;
  try {
    result = await gw.invoke(fn, event, { awsRequestId: requestId });
  } catch (error) {
    if (error instanceof LambdaInvokeError && error.errorType === THROTTLED_BY_LAMBDA) {
      return gw.answer(UNCUSTOMISED_ANSWERS.integrationNotInvoked, `${fn}-throttled`);
    }
    return gw.answer(UNCUSTOMISED_ANSWERS.integrationFailure, `${fn}-failed`);
  }
  const response = toHttpResponse(result);
  if (response === undefined) {
    return gw.answer(UNCUSTOMISED_ANSWERS.integrationFailure, `${fn}-malformed-answer`);
  }
  response.headers["x-amzn-RequestId"] = requestId;
  return { ...response, outcome: `${fn}-${response.statusCode}` };
}

function mockAnswer(
  gw: GatewayState,
  status: number,
  responses: MockResponseModel[],
): GatewayResponse {
  const selected =
    responses.find(
      (r) =>
        r.selectionPattern !== undefined &&
        new RegExp(`^${r.selectionPattern}$`).test(String(status)),
    ) ?? responses.find((r) => r.selectionPattern === undefined);
  if (selected === undefined) {
    return gw.answer(UNCUSTOMISED_ANSWERS.mockNoMatch, "mock-no-response");
  }
  return {
    statusCode: Number(selected.statusCode),
    headers: { "Content-Type": "application/json", ...selected.headers },
    body: Buffer.from(selected.body),
    outcome: `mock-${selected.statusCode}`,
  };
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
