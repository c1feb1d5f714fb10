// The delivery queue's consumer (an SQS event source mapping with partial batch responses): sends
// each queued email through SES. A passing refusal (throttling, SES unavailable or unreachable)
// leaves the message on the queue: SQS offers it again after the visibility timeout, and after
// maxReceiveCount tries moves it to the dead-letter queue. A refusal for good (rejected, identity
// not verified, sending paused) or an unreadable message goes to the dead-letter queue at once,
// with the reason as a message attribute. An unconfirmed send is tried again (SES may have
// received it): at most one extra copy, and the log line says "delivery-unconfirmed".
import type { SESClient } from "@aws-sdk/client-ses";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { DEAD_LETTER_REASON_ATTRIBUTE } from "../contracts/delivery-queue";
import { FUNCTION_ENV } from "../contracts/functions";
import { lazySqsClient, newSesClient } from "./aws-clients";
import { decodeDeliveryMessage } from "./delivery-message";
import { logDelivery } from "./log";
import { sendEmail } from "./ses-send";

let ses: SESClient = newSesClient();
const renewSes = () => {
  ses.destroy();
  ses = newSesClient();
};
const sqs = lazySqsClient();
const deadLetterQueueUrl = process.env[FUNCTION_ENV.deadLetterQueueUrl] ?? "";
const mailFrom = process.env[FUNCTION_ENV.mailFrom] ?? "";
const mailTo = (process.env[FUNCTION_ENV.mailTo] ?? "")
  .split(",")
  .map((address) => address.trim())
  .filter((address) => address !== "");

export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchResponse["batchItemFailures"] = [];
  for (const record of event.Records ?? []) {
    const kept = await deliver(record);
    if (!kept) batchItemFailures.push({ itemIdentifier: record.messageId });
  }
  return { batchItemFailures };
}

/** Whether the record is done with (sent or dead-lettered); false leaves it on the queue. */
async function deliver(record: SQSRecord): Promise<boolean> {
  const receiveCount = Number(record.attributes?.ApproximateReceiveCount ?? 1);
  const message = decodeDeliveryMessage(record.body, { from: mailFrom, to: mailTo });
  if ("invalid" in message) {
    return deadLetter(record, "unknown", `message-${message.invalid}`, receiveCount);
  }
  const { requestId } = message;
  const result = await sendEmail(() => ses, message.email, renewSes);
  if (result.sent) {
    logDelivery({ requestId, outcome: "delivered", messageId: result.messageId, receiveCount });
    return true;
  }
  const { failure } = result;
  if (failure.kind === "permanent") {
    return deadLetter(record, requestId, failure.reason, receiveCount);
  }
  logDelivery({
    requestId,
    outcome: failure.kind === "unconfirmed" ? "delivery-unconfirmed" : "delivery-retry",
    reason: failure.reason,
    receiveCount,
  });
  return false;
}

async function deadLetter(
  record: SQSRecord,
  requestId: string,
  reason: string,
  receiveCount: number,
): Promise<boolean> {
  try {
    await sqs().send(
      new SendMessageCommand({
        QueueUrl: deadLetterQueueUrl,
        MessageBody: record.body,
        MessageAttributes: {
          [DEAD_LETTER_REASON_ATTRIBUTE]: { DataType: "String", StringValue: reason },
        },
      }),
    );
  } catch {
    // Not moved: left on the queue, where the redrive policy moves it after maxReceiveCount.
    logDelivery({
      requestId,
      outcome: "delivery-retry",
      reason: "dead-letter-failed",
      receiveCount,
    });
    return false;
  }
  logDelivery({ requestId, outcome: "dead-lettered", reason, receiveCount });
  return true;
}
