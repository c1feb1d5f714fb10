// API Gateway's proxy event for a POST on the prod stage's root that the token authorizer allowed,
// as the mailer receives it. Tests change one part at a time from here.
import type { APIGatewayProxyEvent } from "aws-lambda";
import { AUTHORIZER_CONTEXT } from "../../contracts/authorizer-context";
import { STAGE_NAME } from "../../contracts/stage";

let requestCounter = 0;

export function authorizedPost(
  body: string | null,
  headers: Record<string, string> = { "Content-Type": "application/json" },
  extra: Partial<APIGatewayProxyEvent> = {},
): APIGatewayProxyEvent {
  requestCounter += 1;
  return {
    resource: "/",
    path: "/",
    httpMethod: "POST",
    headers,
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body,
    isBase64Encoded: false,
    requestContext: {
      requestId: `test-request-${requestCounter}`,
      httpMethod: "POST",
      stage: STAGE_NAME,
      authorizer: { principalId: "website-visitor", ...AUTHORIZER_CONTEXT },
    } as never,
    ...extra,
  };
}

/** The request id of the last event built. */
export const lastRequestId = () => `test-request-${requestCounter}`;
