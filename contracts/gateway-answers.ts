// The answers API Gateway itself gives (before or instead of the mailer), with the status and
// message AWS documents for each. The Pulumi program turns them into GatewayResponse resources
// carrying the CORS headers, and the local gateway answers with the same table, so a browser
// reads the same status and body from both. What the gateway says beside them (the
// x-amzn-ErrorType header, and the answers no gateway response type covers) is here too.
export interface GatewayAnswer {
  /** API Gateway's gateway response type. */
  responseType: string;
  statusCode: number;
  /** What the gateway puts in `{"message": ...}` ($context.error.messageString). */
  message: string;
}

export const GATEWAY_ANSWERS = {
  unauthorized: { responseType: "UNAUTHORIZED", statusCode: 401, message: "Unauthorized" },
  accessDenied: {
    responseType: "ACCESS_DENIED",
    statusCode: 403,
    message: "User is not authorized to access this resource",
  },
  missingAuthenticationToken: {
    responseType: "MISSING_AUTHENTICATION_TOKEN",
    statusCode: 403,
    message: "Missing Authentication Token",
  },
  invalidApiKey: { responseType: "INVALID_API_KEY", statusCode: 403, message: "Forbidden" },
  throttled: { responseType: "THROTTLED", statusCode: 429, message: "Too Many Requests" },
  quotaExceeded: { responseType: "QUOTA_EXCEEDED", statusCode: 429, message: "Limit Exceeded" },
  authorizerFailure: {
    responseType: "AUTHORIZER_FAILURE",
    statusCode: 500,
    message: "Internal server error",
  },
  requestTooLarge: {
    responseType: "REQUEST_TOO_LARGE",
    statusCode: 413,
    message: "Request Too Long",
  },
  // AWS WAF blocked the request (the per-IP limit). With no custom response on the WAF rule,
  // API Gateway answers with this gateway response, CORS headers included.
  wafFiltered: { responseType: "WAF_FILTERED", statusCode: 403, message: "Forbidden" },
  default4xx: { responseType: "DEFAULT_4XX", statusCode: 400, message: "Bad Request" },
  default5xx: { responseType: "DEFAULT_5XX", statusCode: 500, message: "Internal server error" },
} as const satisfies Record<string, GatewayAnswer>;

/** Answers API Gateway gives that have no gateway response type of their own in the program. */
export const UNCUSTOMISED_ANSWERS = {
  integrationFailure: {
    responseType: "DEFAULT_5XX",
    statusCode: 502,
    message: "Internal server error",
  },
  mockNoMatch: { responseType: "DEFAULT_5XX", statusCode: 500, message: "Internal server error" },
  // API Gateway could not invoke the integration's function: no permission in the function's
  // resource policy covers the call, or Lambda throttled it (reserved concurrency). Both are 500,
  // not the 502 of a function that ran and failed.
  integrationNotInvoked: {
    responseType: "INTEGRATION_FAILURE",
    statusCode: 500,
    message: "Internal server error",
  },
  // The same for the authorizer's function.
  authorizerNotInvoked: {
    responseType: "AUTHORIZER_CONFIGURATION_ERROR",
    statusCode: 500,
    message: "Internal server error",
  },
} as const satisfies Record<string, GatewayAnswer>;

/**
 * A path outside every stage of the API. There is no deployment there, so no gateway response
 * (and no CORS header) applies: API Gateway answers this, always.
 */
export const NO_SUCH_STAGE_ANSWER = {
  statusCode: 403,
  message: "Forbidden",
  errorType: "ForbiddenException",
} as const;

/** The x-amzn-ErrorType header API Gateway sends with each of its own answers. */
const ERROR_TYPES: Record<string, string> = {
  UNAUTHORIZED: "UnauthorizedException",
  ACCESS_DENIED: "AccessDeniedException",
  MISSING_AUTHENTICATION_TOKEN: "MissingAuthenticationTokenException",
  INVALID_API_KEY: "ForbiddenException",
  WAF_FILTERED: "ForbiddenException",
  THROTTLED: "TooManyRequestsException",
  QUOTA_EXCEEDED: "LimitExceededException",
  AUTHORIZER_FAILURE: "AuthorizerConfigurationException",
  AUTHORIZER_CONFIGURATION_ERROR: "AuthorizerConfigurationException",
  REQUEST_TOO_LARGE: "RequestTooLargeException",
};

export function gatewayErrorType(answer: GatewayAnswer): string {
  return ERROR_TYPES[answer.responseType] ?? "InternalServerErrorException";
}

/** The body template API Gateway renders for every gateway response. */
export const GATEWAY_RESPONSE_TEMPLATE = '{"message":$context.error.messageString}';

/** The body of a gateway answer with no template of the program's: `{"message": ...}`. */
export function gatewayAnswerBody(answer: Pick<GatewayAnswer, "message">): string {
  return JSON.stringify({ message: answer.message });
}
