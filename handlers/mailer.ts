// API Gateway proxy handler: validates the request, sends one email through SES from MAIL_FROM
// to MAIL_TO (never from or to an address the caller chose), and answers JSON with CORS headers.
import { SESClient, SendEmailCommand } from "@aws-sdk/client-ses";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { isAuthorizedByToken } from "../contracts/authorizer-context";
import { composeEmail, parseContactRequest, type OutgoingEmail } from "./contact-message";
import { corsHeaders } from "../contracts/cors";
import { decoyMessageId, isHoneypotFilled } from "./honeypot";
import { HttpError, errorResponse, jsonResponse } from "./http";
import { logRequest } from "./log";
import { classifySesError } from "./ses-errors";

// One client per container, replaced after a failure that happened before any request was sent.
// The endpoint comes from the SDK's standard settings (AWS_ENDPOINT_URL_SES: a local SES).
const newSesClient = () => new SESClient({ maxAttempts: 2 });
let ses = newSesClient();
const mailFrom = process.env.MAIL_FROM ?? "";
const mailTo = (process.env.MAIL_TO ?? "")
  .split(",")
  .map((address) => address.trim())
  .filter((address) => address !== "");
const cors = corsHeaders(process.env.ALLOWED_ORIGIN || "*");

export async function handler(
  event: unknown,
  context?: Partial<Context>,
): Promise<APIGatewayProxyResult> {
  const requestId = requestIdOf(event, context);
  try {
    if (mailFrom === "" || mailTo.length === 0) {
      throw new HttpError(500, "The mailer is not configured", { reason: "not-configured" });
    }
    refuseUnlessAuthorizedPost(event);
    const contact = parseContactRequest(event);
    if (isHoneypotFilled(contact)) {
      logRequest({ requestId, outcome: "dropped-honeypot", status: 200 });
      return jsonResponse(200, { messageId: decoyMessageId() }, cors);
    }
    const email = composeEmail(contact, {
      from: mailFrom,
      to: mailTo,
      requestId,
      receivedAt: new Date(),
    });
    const messageId = await send(email);
    logRequest({
      requestId,
      outcome: contact ? "sent-message" : "sent-notification",
      status: 200,
      messageId,
    });
    return jsonResponse(200, { messageId }, cors);
  } catch (error) {
    if (error instanceof HttpError) {
      logRequest({
        requestId,
        outcome: error.outcome,
        status: error.statusCode,
        ...(error.reason ? { reason: error.reason } : {}),
      });
      return errorResponse(error.statusCode, error.message, { ...cors, ...error.headers });
    }
    logRequest({ requestId, outcome: "failed", status: 500, reason: "unexpected" });
    return errorResponse(500, "Internal error", cors);
  }
}

/**
 * Only API Gateway's proxy event for a POST that the token authorizer allowed may send: any other
 * invocation (a test event, another service, a malformed payload) is refused before SES.
 */
function refuseUnlessAuthorizedPost(event: unknown): asserts event is APIGatewayProxyEvent {
  if (typeof event !== "object" || event === null || Array.isArray(event)) {
    throw new HttpError(400, "Not an API Gateway request");
  }
  const { httpMethod, requestContext, body } = event as Partial<APIGatewayProxyEvent>;
  if (typeof httpMethod !== "string" || !(body == null || typeof body === "string")) {
    throw new HttpError(400, "Not an API Gateway request");
  }
  if (httpMethod !== "POST") {
    throw new HttpError(405, "Only POST is allowed", { headers: { Allow: "POST, OPTIONS" } });
  }
  if (!isAuthorizedByToken(requestContext?.authorizer)) {
    throw new HttpError(403, "The request did not pass the API's token authorizer");
  }
}

/** The gateway's request id when it looks like one (it ends up in the email), else Lambda's. */
function requestIdOf(event: unknown, context: Partial<Context> | undefined): string {
  const fromEvent = (event as APIGatewayProxyEvent | null)?.requestContext?.requestId;
  if (typeof fromEvent === "string" && /^[A-Za-z0-9-]{1,64}$/.test(fromEvent)) return fromEvent;
  return context?.awsRequestId ?? "unknown";
}

async function send(email: OutgoingEmail): Promise<string> {
  try {
    const result = await ses.send(
      new SendEmailCommand({
        Source: email.from,
        Destination: { ToAddresses: email.to },
        ReplyToAddresses: email.replyTo.length > 0 ? email.replyTo : undefined,
        Message: {
          Subject: { Data: email.subject, Charset: "UTF-8" },
          Body: { Text: { Data: email.text, Charset: "UTF-8" } },
        },
      }),
    );
    return result.MessageId ?? "";
  } catch (error) {
    // No $metadata: the SDK failed before sending (serializing, signing), and may have kept
    // state from the failed request; a fresh client keeps it away from the next request.
    if (typeof error !== "object" || error === null || !("$metadata" in error)) {
      ses.destroy();
      ses = newSesClient();
    }
    throw classifySesError(error);
  }
}
