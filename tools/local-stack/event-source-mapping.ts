// What Lambda's SQS event source mapping does, for the local stack and the tests: receive a batch
// from the queue, invoke the function with an SQS event, and delete every message except those the
// function reported in `batchItemFailures` (ReportBatchItemFailures); if the invoke fails, delete
// none. Messages left on the queue come back after its visibility timeout, and SQS moves them to
// the dead-letter queue after maxReceiveCount receives.
import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";

export interface EventSourceMapping {
  client: SQSClient;
  queueUrl: string;
  batchSize: number;
  invoke(event: SQSEvent): Promise<unknown>;
}

function recordOf(message: Message, queueUrl: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? "",
    receiptHandle: message.ReceiptHandle ?? "",
    body: message.Body ?? "",
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? "1",
      SentTimestamp: attributes.SentTimestamp ?? "",
      SenderId: attributes.SenderId ?? "",
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? "",
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? "",
    eventSource: "aws:sqs",
    eventSourceARN: `arn:aws:sqs:us-east-1:123456789012:${queueUrl.split("/").pop() ?? ""}`,
    awsRegion: "us-east-1",
  };
}

/** One receive and invoke; returns how many messages the batch had. */
export async function pollOnce(mapping: EventSourceMapping): Promise<number> {
  const { Messages = [] } = await mapping.client.send(
    new ReceiveMessageCommand({
      QueueUrl: mapping.queueUrl,
      MaxNumberOfMessages: mapping.batchSize,
      MessageSystemAttributeNames: ["All"],
      // The older name, which the local SQS reads.
      AttributeNames: ["All"],
    }),
  );
  // One record per message id: a local queue may hand out a message twice in one batch.
  const unique = [...new Map(Messages.map((m) => [m.MessageId, m])).values()];
  if (unique.length === 0) return 0;
  let response: SQSBatchResponse;
  try {
    response = ((await mapping.invoke({
      Records: unique.map((m) => recordOf(m, mapping.queueUrl)),
    })) ?? { batchItemFailures: [] }) as SQSBatchResponse;
  } catch {
    return unique.length;
  }
  const failed = new Set((response.batchItemFailures ?? []).map((f) => f.itemIdentifier));
  const done = unique.filter((m) => !failed.has(m.MessageId ?? ""));
  if (done.length > 0) {
    await mapping.client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: mapping.queueUrl,
        Entries: done.map((m, index) => ({ Id: String(index), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  }
  return unique.length;
}

/** Polls until stopped, pausing `idleMs` after an empty receive. */
export function startPolling(
  mapping: EventSourceMapping,
  options: { idleMs: number; onError(error: unknown): void },
): { stop(): Promise<void> } {
  let running = true;
  const loop = (async () => {
    while (running) {
      let received = 0;
      try {
        received = await pollOnce(mapping);
      } catch (error) {
        options.onError(error);
      }
      if (received === 0 && running) {
        await new Promise((resolve) => setTimeout(resolve, options.idleMs));
      }
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
    },
  };
}
