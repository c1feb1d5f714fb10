// What the gateway checks before it even calls the authorizer Lambda, shared by the Pulumi
// program (the Authorizer resource) and the local gateway, so both refuse the same requests.
import { MIN_AUTH_TOKEN_LENGTH } from "./settings";

/** The request header that carries the token (the original console setup's name). */
export const TOKEN_HEADER = "authtoken";
/** API Gateway's identity source for that header. */
export const TOKEN_IDENTITY_SOURCE = `method.request.header.${TOKEN_HEADER}`;
/**
 * API Gateway's identityValidationExpression: a token that does not match is refused with 401
 * without invoking (or paying for) the authorizer. Same alphabet and bounds as the config check.
 */
export const TOKEN_VALIDATION_EXPRESSION = `^[\\x21-\\x7E]{${MIN_AUTH_TOKEN_LENGTH},512}$`;
