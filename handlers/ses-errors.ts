// What a failed call to SES (or to the delivery queue) means for the message, from the error the
// SDK threw:
// - refused for a passing reason (throttling, the service unavailable, the endpoint unreachable
//   before anything was sent): certainly not sent; worth sending again later;
// - refused for good (message rejected, identity not verified, sending paused, access denied):
//   sending it again changes nothing until the operator fixes the cause;
// - unconfirmed: the request may have reached SES (the connection broke after it was written, or
//   no answer came in time); sending it again could send a second copy, so it is not resent and
//   the caller is told it may have been sent.
// No SDK message, identity or account detail reaches the caller or the log: only these labels.
import { HttpError } from "./http";

export type SendFailure =
  | {
      kind: "transient";
      reason: "ses-throttled" | "ses-daily-quota" | "ses-unavailable" | "ses-unreachable";
      /** Seconds before a new try makes sense. */
      retryAfter: number;
    }
  | {
      kind: "permanent";
      reason:
        | "ses-rejected"
        | "ses-identity-not-verified"
        | "ses-sending-paused"
        | "ses-not-sent"
        | "ses-error";
    }
  | { kind: "unconfirmed"; reason: "ses-unconfirmed" };

/** Node's errors for a connection that never opened: nothing of the request was sent. */
const NOT_CONNECTED_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);
/** @smithy/node-http-handler's connectionTimeout: the socket never connected. */
const NOT_CONNECTED_MESSAGE = /did not establish a connection/;

/**
 * Thrown before any request exists: by the SDK's serializer (a string it cannot encode), or by the
 * credential provider (no credentials in the environment: the request is never signed).
 */
const LOCAL_ERROR_NAMES = new Set([
  "URIError",
  "TypeError",
  "RangeError",
  "CredentialsProviderError",
]);

const THROTTLING_ERRORS = new Set([
  "Throttling",
  "ThrottlingException",
  "TooManyRequestsException",
  "LimitExceededException",
  "SendingQuotaExceeded",
]);

export function classifySendFailure(error: unknown): SendFailure {
  const name = errorName(error);
  const message = error instanceof Error ? error.message : "";
  const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  if (typeof status !== "number") return transportFailure(error, name, message);
  if (THROTTLING_ERRORS.has(name) || status === 429) {
    // SES says "Daily message quota exceeded" when the 24-hour quota is spent: retry much later.
    return /daily/i.test(message)
      ? { kind: "transient", reason: "ses-daily-quota", retryAfter: 3600 }
      : { kind: "transient", reason: "ses-throttled", retryAfter: 5 };
  }
  if (status >= 500 || (error as { $fault?: string }).$fault === "server") {
    return { kind: "transient", reason: "ses-unavailable", retryAfter: 30 };
  }
  if (status >= 200 && status < 300) {
    // SES answered 2xx but the answer could not be read (cut short): it accepted the message.
    return { kind: "unconfirmed", reason: "ses-unconfirmed" };
  }
  if (name === "MessageRejected") return { kind: "permanent", reason: "ses-rejected" };
  if (/NotVerified|MailFromDomain/i.test(name) || /not verified/i.test(message)) {
    return { kind: "permanent", reason: "ses-identity-not-verified" };
  }
  if (/SendingPaused/i.test(name)) return { kind: "permanent", reason: "ses-sending-paused" };
  return { kind: "permanent", reason: "ses-error" };
}

/** No answer from SES: whether the request can have left this process decides. */
function transportFailure(error: unknown, name: string, message: string): SendFailure {
  if (isNotConnected(error, message)) {
    return { kind: "transient", reason: "ses-unreachable", retryAfter: 30 };
  }
  if (LOCAL_ERROR_NAMES.has(name)) return { kind: "permanent", reason: "ses-not-sent" };
  // A reset, a broken pipe, a request timeout, an aborted or unreadable answer: it may have
  // reached SES.
  return { kind: "unconfirmed", reason: "ses-unconfirmed" };
}

function isNotConnected(error: unknown, message: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && NOT_CONNECTED_CODES.has(code)) return true;
  if (NOT_CONNECTED_MESSAGE.test(message)) return true;
  // The SDK wraps a non-Error rejection (a socket error from another realm, as in a sandbox) as
  // "AWS SDK error wrapper for Error: connect ECONNREFUSED ...": the code survives in the message.
  return (message.match(/\bE[A-Z_]+\b/g) ?? []).some((word) => NOT_CONNECTED_CODES.has(word));
}

function errorName(error: unknown): string {
  if (typeof error !== "object" || error === null) return "";
  const { name, Code, code } = error as { name?: unknown; Code?: unknown; code?: unknown };
  return String(Code ?? code ?? name ?? "");
}

export const UNCONFIRMED_MESSAGE =
  "The mail service did not confirm the message; it may have been sent";

/**
 * The answer to a failed send that was not queued. 503 (with Retry-After) only where the message
 * certainly was not sent, 504 where it may have been, a generic 502 for the operator's problems.
 */
export function failureAnswer(failure: SendFailure): HttpError {
  const reason = failure.reason;
  if (failure.kind === "unconfirmed") {
    return new HttpError(504, UNCONFIRMED_MESSAGE, { reason, outcome: "unconfirmed" });
  }
  if (failure.kind === "transient") {
    const busy = failure.reason === "ses-throttled" || failure.reason === "ses-daily-quota";
    return new HttpError(
      503,
      busy
        ? "The mail service is busy, please try again later"
        : "The mail service is unavailable, please try again later",
      { headers: { "Retry-After": String(failure.retryAfter) }, reason },
    );
  }
  return new HttpError(502, "The email could not be sent", { reason });
}

/** The answer for a failed send, as before the queue: kept for callers without one. */
export function classifySesError(error: unknown): HttpError {
  return failureAnswer(classifySendFailure(error));
}
