// The events API Gateway (REST API, prod stage) sends to the Lambdas: the TOKEN authorizer event
// and the proxy integration's v1 event, with the fields a deployed stage fills in.
import type { APIGatewayProxyEvent, APIGatewayTokenAuthorizerEvent } from "aws-lambda";

export interface ApiIdentity {
  region: string;
  accountId: string;
  apiId: string;
  stage: string;
}

/** A request API Gateway matched to one of the stage's methods. */
export interface RoutedRequest {
  method: string;
  /** The matched resource's path inside the stage: "/" for the root resource. */
  resourcePath: string;
  /** The request's path inside the stage, as sent. */
  path: string;
  /** The values of the resource's `{name}` parts, or null. */
  pathParameters?: Record<string, string> | null;
  resourceId: string;
  /** Header names as the client sent them, with every value. */
  headers: Array<[string, string]>;
  query: URLSearchParams;
  body: Buffer;
  sourceIp: string;
  requestId: string;
  receivedAt: Date;
}

export function methodArn(api: ApiIdentity, method: string, resourcePath: string): string {
  return `arn:aws:execute-api:${api.region}:${api.accountId}:${api.apiId}/${api.stage}/${method}${resourcePath}`;
}

export function tokenAuthorizerEvent(
  api: ApiIdentity,
  request: RoutedRequest,
  token: string,
): APIGatewayTokenAuthorizerEvent {
  return {
    type: "TOKEN",
    authorizationToken: token,
    methodArn: methodArn(api, request.method, request.path),
  };
}

export function proxyEvent(
  api: ApiIdentity,
  request: RoutedRequest,
  authorizer: {
    principalId: string;
    context: Record<string, string | number | boolean>;
    integrationLatency: number;
  },
  apiKey: { value: string; id: string } | undefined,
  authorized = true,
): APIGatewayProxyEvent {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of request.headers) {
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  const query: Record<string, string> = {};
  const multiValueQuery: Record<string, string[]> = {};
  for (const [name, value] of request.query) {
    query[name] = value;
    (multiValueQuery[name] ??= []).push(value);
  }
  const hasQuery = Object.keys(query).length > 0;
  const userAgent = request.headers.find(([name]) => name.toLowerCase() === "user-agent")?.[1];
  return {
    resource: request.resourcePath,
    path: request.path,
    httpMethod: request.method,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiValueQuery : null,
    pathParameters: request.pathParameters ?? null,
    stageVariables: null,
    requestContext: {
      accountId: api.accountId,
      apiId: api.apiId,
      authorizer: authorized
        ? {
            principalId: authorizer.principalId,
            integrationLatency: authorizer.integrationLatency,
            ...authorizer.context,
          }
        : null,
      domainName: `${api.apiId}.execute-api.${api.region}.amazonaws.com`,
      domainPrefix: api.apiId,
      extendedRequestId: request.requestId.slice(0, 16),
      httpMethod: request.method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: apiKey?.value ?? null,
        apiKeyId: apiKey?.id ?? null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: request.sourceIp,
        user: null,
        userAgent: userAgent ?? null,
        userArn: null,
      },
      path: `/${api.stage}${request.path}`,
      protocol: "HTTP/1.1",
      requestId: request.requestId,
      requestTime: clfTime(request.receivedAt),
      requestTimeEpoch: request.receivedAt.getTime(),
      resourceId: request.resourceId,
      resourcePath: request.resourcePath,
      stage: api.stage,
    },
    // Without binary media types, a REST API hands the body over as text.
    body: request.body.length > 0 ? request.body.toString("utf8") : null,
    isBase64Encoded: false,
  };
}

const MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(" ");

/** `25/Nov/2026:03:00:00 +0000`, the format of requestContext.requestTime. */
function clfTime(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, "0");
  return (
    `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}
