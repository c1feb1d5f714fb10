// API Gateway proxy handler: validates the request, sends one email through SES from MAIL_FROM
// to MAIL_TO (never from or to an address the caller chose), and answers JSON with CORS headers.
// When SES refuses for a passing reason the message goes to the delivery queue (202, queued);
// when SES may have received it but did not confirm, the answer says so (504) and it is not resent.
import type { SESClient } from "@aws-sdk/client-ses";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { isAuthorizedByToken } from "../contracts/authorizer-context";
import { composeEmail, parseContactRequest, type OutgoingEmail } from "./contact-message";
import { corsHeaders } from "../contracts/cors";
import { FUNCTION_ENV } from "../contracts/functions";
import { lazySqsClient, newSesClient } from "./aws-clients";
import { encodeDeliveryMessage, DELIVERY_MESSAGE_VERSION } from "./delivery-message";
import { decoyMessageId, isHoneypotFilled } from "./honeypot";
import { HttpError, errorResponse, jsonResponse } from "./http";
import { logRequest } from "./log";
import { classifySendFailure, failureAnswer, UNCONFIRMED_MESSAGE } from "./ses-errors";
import { sendEmail } from "./ses-send";

// One client per container, replaced after a failure that happened before any request was sent.
let ses: SESClient = newSesClient();
const renewSes = () => {
  ses.destroy();
  ses = newSesClient();
};
const sqs = lazySqsClient();
const queueUrl = process.env[FUNCTION_ENV.deliveryQueueUrl] ?? "";
const mailFrom = process.env[FUNCTION_ENV.mailFrom] ?? "";
const mailTo = (process.env[FUNCTION_ENV.mailTo] ?? "")
  .split(",")
  .map((address) => address.trim())
  .filter((address) => address !== "");
const cors = corsHeaders(process.env[FUNCTION_ENV.allowedOrigin] || "*");

export const QUEUED_MESSAGE =
  "The mail service is busy; your message is kept and will be sent shortly";

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
    const result = await sendEmail(() => ses, email, renewSes);
    if (result.sent) {
      logRequest({
        requestId,
        outcome: contact ? "sent-message" : "sent-notification",
        status: 200,
        messageId: result.messageId,
      });
      return jsonResponse(200, { messageId: result.messageId }, cors);
    }
    const { failure } = result;
    if (failure.kind !== "transient" || queueUrl === "") throw failureAnswer(failure);
    const queued = await enqueue(email, requestId);
    if (queued === "queued") {
      logRequest({ requestId, outcome: "queued", status: 202, reason: failure.reason });
      return jsonResponse(
        202,
        { queued: true, message: QUEUED_MESSAGE, reference: requestId },
        cors,
      );
    }
    if (queued === "unconfirmed") {
      throw new HttpError(504, UNCONFIRMED_MESSAGE, {
        reason: "queue-unconfirmed",
        outcome: "unconfirmed",
      });
    }
    throw failureAnswer(failure);
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

/** Puts the email on the delivery queue: whether SQS took it, refused it, or may have taken it. */
async function enqueue(
  email: OutgoingEmail,
  requestId: string,
): Promise<"queued" | "refused" | "unconfirmed"> {
  try {
    await sqs().send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: encodeDeliveryMessage({
          version: DELIVERY_MESSAGE_VERSION,
          requestId,
          acceptedAt: new Date().toISOString(),
          email,
        }),
      }),
    );
    return "queued";
  } catch (error) {
    return classifySendFailure(error).kind === "unconfirmed" ? "unconfirmed" : "refused";
  }
}
