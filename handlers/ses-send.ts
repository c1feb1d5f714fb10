// One email through SES, as the mailer and the delivery function send it: one SendEmail, repeated
// only after SES answered "Throttling" (it refused before accepting anything), never after a
// failure that may have reached SES. Returns the message id or the failure's meaning.
import { SendEmailCommand, type SESClient } from "@aws-sdk/client-ses";
import { THROTTLE_RETRY } from "./aws-clients";
import type { OutgoingEmail } from "./contact-message";
import { classifySendFailure, type SendFailure } from "./ses-errors";

export type SendResult = { sent: true; messageId: string } | { sent: false; failure: SendFailure };

export function sendEmailCommand(email: OutgoingEmail): SendEmailCommand {
  return new SendEmailCommand({
    Source: email.from,
    Destination: { ToAddresses: email.to },
    ReplyToAddresses: email.replyTo.length > 0 ? email.replyTo : undefined,
    Message: {
      Subject: { Data: email.subject, Charset: "UTF-8" },
      Body: { Text: { Data: email.text, Charset: "UTF-8" } },
    },
  });
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends `email` with the client `ses()` returns. `onLocalFailure` runs after an error thrown
 * before any request was sent (no $metadata): the SDK may keep state from it, so the caller
 * replaces its client.
 */
export async function sendEmail(
  ses: () => SESClient,
  email: OutgoingEmail,
  onLocalFailure: () => void,
): Promise<SendResult> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const result = await ses().send(sendEmailCommand(email));
      return { sent: true, messageId: result.MessageId ?? "" };
    } catch (error) {
      if (typeof error !== "object" || error === null || !("$metadata" in error)) {
        onLocalFailure();
      }
      const failure = classifySendFailure(error);
      if (failure.reason !== "ses-throttled" || attempt >= THROTTLE_RETRY.attempts) {
        return { sent: false, failure };
      }
      await pause(THROTTLE_RETRY.delayMs * (1 + Math.random()));
    }
  }
}
