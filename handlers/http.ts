// The one definition of the mailer's HTTP answers: JSON bodies, `{"error": "..."}` for failures.
import type { APIGatewayProxyResult } from "aws-lambda";

export function jsonResponse(
  statusCode: number,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
  };
}

export function errorResponse(
  statusCode: number,
  message: string,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return jsonResponse(statusCode, { error: message }, headers);
}

export interface HttpErrorOptions {
  /** Headers the answer carries besides CORS (Allow, Retry-After). */
  headers?: Record<string, string>;
  /** A short, non-sensitive label for the log line. */
  reason?: string;
  /** The log line's outcome, when neither "refused" (4xx) nor "failed" (5xx) says it. */
  outcome?: string;
}

/** A request the mailer does not serve, with the status and message the caller gets. */
export class HttpError extends Error {
  readonly headers: Record<string, string>;
  readonly reason?: string;
  private readonly ownOutcome?: string;

  constructor(
    readonly statusCode: number,
    message: string,
    options: HttpErrorOptions = {},
  ) {
    super(message);
    this.name = "HttpError";
    this.headers = options.headers ?? {};
    this.reason = options.reason;
    this.ownOutcome = options.outcome;
  }

  /** A 4xx refuses the caller's request; a 5xx is the mailer's (or its mail service's) failure. */
  get outcome(): string {
    return this.ownOutcome ?? (this.statusCode >= 500 ? "failed" : "refused");
  }
}
