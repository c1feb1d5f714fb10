// How a failed SES send is answered. Throttling and quota errors are retryable (503 with
// Retry-After); everything else is the operator's problem, answered with a generic 502 so that no
// SDK message, identity or account detail reaches the caller.
import { HttpError } from "./http";

/** Node's socket errors: SES (or the local endpoint) could not be reached at all. */
const NETWORK_ERROR_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
]);

const THROTTLING_ERRORS = new Set([
  "Throttling",
  "ThrottlingException",
  "TooManyRequestsException",
  "LimitExceededException",
  "SendingQuotaExceeded",
]);

export function classifySesError(error: unknown): HttpError {
  const name = errorName(error);
  const message = error instanceof Error ? error.message : "";
  const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  if (THROTTLING_ERRORS.has(name) || status === 429) {
    // SES says "Daily message quota exceeded" when the 24-hour quota is spent: retry much later.
    const daily = /daily/i.test(message);
    return new HttpError(503, "The mail service is busy, please try again later", {
      headers: { "Retry-After": daily ? "3600" : "5" },
      reason: daily ? "ses-daily-quota" : "ses-throttled",
    });
  }
  if (
    (error as { $fault?: string })?.$fault === "server" ||
    (status !== undefined && status >= 500)
  ) {
    return new HttpError(503, "The mail service is unavailable, please try again later", {
      headers: { "Retry-After": "30" },
      reason: "ses-unavailable",
    });
  }
  const reason =
    name === "MessageRejected"
      ? "ses-rejected"
      : /NotVerified|MailFromDomain/i.test(name) || /not verified/i.test(message)
        ? "ses-identity-not-verified"
        : isNetworkError(error, message)
          ? "ses-unreachable"
          : "ses-error";
  return new HttpError(502, "The email could not be sent", { reason });
}

function errorName(error: unknown): string {
  if (typeof error !== "object" || error === null) return "";
  const { name, Code, code } = error as { name?: unknown; Code?: unknown; code?: unknown };
  return String(Code ?? code ?? name ?? "");
}

function isNetworkError(error: unknown, message: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && NETWORK_ERROR_CODES.has(code)) return true;
  // The SDK wraps a non-Error rejection (a socket error from another realm, as in a sandbox) as
  // "AWS SDK error wrapper for Error: connect ECONNREFUSED ...": the code survives in the message.
  return (message.match(/\bE[A-Z_]+\b/g) ?? []).some((word) => NETWORK_ERROR_CODES.has(word));
}
