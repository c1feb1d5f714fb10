// API Gateway proxy handler: validates the request, sends one email through SES from MAIL_FROM
// to MAIL_TO (never from or to an address the caller chose), and answers JSON with CORS headers.
import { SESClient, SendEmailCommand } from "@aws-sdk/client-ses";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { composeEmail, parseContactRequest, type OutgoingEmail } from "./contact-message";
import { corsHeaders } from "./cors";
import { decoyMessageId, isHoneypotFilled } from "./honeypot";
import { HttpError, errorResponse, jsonResponse } from "./http";
import { logRequest } from "./log";
import { classifySesError } from "./ses-errors";

// One client per container. The endpoint comes from the SDK's standard settings
// (AWS_ENDPOINT_URL_SES points it at a local SES).
const ses = new SESClient({ maxAttempts: 2 });
const mailFrom = process.env.MAIL_FROM ?? "";
const mailTo = (process.env.MAIL_TO ?? "")
  .split(",")
  .map((address) => address.trim())
  .filter((address) => address !== "");
const cors = corsHeaders(process.env.ALLOWED_ORIGIN || "*");

export async function handler(
  event: APIGatewayProxyEvent,
  context?: Partial<Context>,
): Promise<APIGatewayProxyResult> {
  const requestId = event?.requestContext?.requestId ?? context?.awsRequestId ?? "unknown";
  try {
    if (mailFrom === "" || mailTo.length === 0) {
      throw new HttpError(500, "The mailer is not configured");
    }
    if (event?.httpMethod !== undefined && event.httpMethod !== "POST") {
      throw new HttpError(405, "Only POST is allowed", { Allow: "POST, OPTIONS" });
    }
    const contact = parseContactRequest(event ?? { body: null });
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
        outcome: error.reason ? "failed" : "refused",
        status: error.statusCode,
        ...(error.reason ? { reason: error.reason } : {}),
      });
      return errorResponse(error.statusCode, error.message, { ...cors, ...error.headers });
    }
    logRequest({ requestId, outcome: "failed", status: 500, reason: "unexpected" });
    return errorResponse(500, "Internal error", cors);
  }
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
    throw classifySesError(error);
  }
}
