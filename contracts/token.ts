// The token's bounds, shared by the config check (infra/settings.ts), the Authorizer resource's
// identity validation (infra/api.ts), the authorizer Lambda (handlers/token-check.ts) and the
// local gateway, so all of them accept and refuse the same tokens; and the digest the program stores for each accepted token.
import { createHash } from "node:crypto";

/** The request header that carries the token (the original console setup's name). */
export const TOKEN_HEADER = "authtoken";
/** API Gateway's identity source for that header. */
export const TOKEN_IDENTITY_SOURCE = `method.request.header.${TOKEN_HEADER}`;

export const MIN_AUTH_TOKEN_LENGTH = 32;
export const MAX_AUTH_TOKEN_LENGTH = 512;
/** Printable ASCII without the space: the token travels in an HTTP header. */
const TOKEN_CHARACTERS = "\\x21-\\x7E";

/**
 * API Gateway's identityValidationExpression: a token that does not match is refused with 401
 * without invoking (or paying for) the authorizer. Same alphabet and bounds as the config check.
 */
export const TOKEN_VALIDATION_EXPRESSION = `^[${TOKEN_CHARACTERS}]{${MIN_AUTH_TOKEN_LENGTH},${MAX_AUTH_TOKEN_LENGTH}}$`;

const TOKEN_ALPHABET = new RegExp(`^[${TOKEN_CHARACTERS}]+$`);

/** Whether every character may travel in the token header (the length is checked apart). */
export function usesTokenAlphabet(value: string): boolean {
  return TOKEN_ALPHABET.test(value);
}

/** A presented token worth hashing: the token's alphabet, 1 to MAX_AUTH_TOKEN_LENGTH characters. */
export function isTokenShaped(value: string): boolean {
  return value.length <= MAX_AUTH_TOKEN_LENGTH && usesTokenAlphabet(value);
}

/** The digest the authorizer's settings hold for each accepted token (lowercase hex SHA-256). */
export function sha256Hex(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex");
}
