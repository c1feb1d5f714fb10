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

/** A refusal of the caller's request, with the status and message it gets. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly headers: Record<string, string> = {},
    /** A short, non-sensitive label for the log line. */
    readonly reason?: string,
  ) {
    super(message);
    this.name = "HttpError";
  }
}
