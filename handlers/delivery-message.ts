// The delivery queue's message: the email the mailer composed (and validated) for a request that
// SES refused for a passing reason, with the request id that ties its log lines together. Read
// back by the delivery function, which sends it only from the configured sender to the configured
// recipients: a message on the queue is not trusted to choose either.
import type { OutgoingEmail } from "./contact-message";

export const DELIVERY_MESSAGE_VERSION = 1;

export interface DeliveryMessage {
  version: typeof DELIVERY_MESSAGE_VERSION;
  requestId: string;
  /** When the mailer accepted it (ISO 8601). */
  acceptedAt: string;
  email: OutgoingEmail;
}

export function encodeDeliveryMessage(message: DeliveryMessage): string {
  return JSON.stringify(message);
}

const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === "string");

/**
 * The message, or why it cannot be delivered: malformed, or addressed other than the function's
 * own sender and recipients.
 */
export function decodeDeliveryMessage(
  body: string,
  envelope: { from: string; to: readonly string[] },
): DeliveryMessage | { invalid: string } {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { invalid: "malformed" };
  }
  const message = value as Partial<DeliveryMessage> | null;
  const email = message?.email as Partial<OutgoingEmail> | undefined;
  if (
    message?.version !== DELIVERY_MESSAGE_VERSION ||
    typeof message.requestId !== "string" ||
    typeof message.acceptedAt !== "string" ||
    typeof email !== "object" ||
    email === null ||
    typeof email.from !== "string" ||
    !isStringArray(email.to) ||
    !isStringArray(email.replyTo) ||
    typeof email.subject !== "string" ||
    typeof email.text !== "string"
  ) {
    return { invalid: "malformed" };
  }
  if (email.from !== envelope.from || !email.to.every((to) => envelope.to.includes(to))) {
    return { invalid: "foreign-address" };
  }
  return message as DeliveryMessage;
}
