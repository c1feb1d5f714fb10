// The delivery path for tests: the real local SES behind the fault proxy, the real local SQS with
// the delivery queue and its dead-letter queue, and the bundled mailer and delivery function
// pointed at them.
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { DELIVERY_QUEUE } from "../../contracts/delivery-queue";
import { startLocalSes, type LocalSes } from "../../tools/local-ses";
import { startFaultySes, type FaultySes } from "../../tools/local-ses-faults";
import { startLocalSqs, type LocalQueues, type LocalSqs } from "../../tools/local-sqs";
import {
  LOCAL_AWS_ENV,
  TEST_MAILER_ENV,
  builtHandlers,
  loadBundledHandler,
  type BundledMailer,
} from "./bundles";

export type BundledDelivery = { handler: (event: SQSEvent) => Promise<SQSBatchResponse> };

export interface DeliveryStack {
  ses: LocalSes;
  faulty: FaultySes;
  sqs: LocalSqs;
  queues: LocalQueues;
  /** The environment both functions run with. */
  env: Record<string, string>;
  newMailer(): Promise<BundledMailer>;
  newDelivery(): Promise<BundledDelivery>;
  stop(): Promise<void>;
}

export async function startDeliveryStack(
  queueSettings: { visibilityTimeoutSeconds: number; maxReceiveCount: number } = {
    visibilityTimeoutSeconds: 1,
    maxReceiveCount: DELIVERY_QUEUE.maxReceiveCount,
  },
): Promise<DeliveryStack> {
  const ses = await startLocalSes();
  const faulty = await startFaultySes({ port: ses.port });
  const sqs = await startLocalSqs();
  const queues = await sqs.createQueues("delivery", queueSettings);
  const env = {
    ...LOCAL_AWS_ENV,
    ...TEST_MAILER_ENV,
    AWS_ENDPOINT_URL_SES: faulty.url,
    AWS_ENDPOINT_URL_SQS: sqs.url,
    DELIVERY_QUEUE_URL: queues.queueUrl,
    DEAD_LETTER_QUEUE_URL: queues.deadLetterQueueUrl,
  };
  return {
    ses,
    faulty,
    sqs,
    queues,
    env,
    async newMailer() {
      const { mailer } = await builtHandlers();
      return loadBundledHandler<BundledMailer>(mailer, env);
    },
    async newDelivery() {
      const { delivery } = await builtHandlers();
      return loadBundledHandler<BundledDelivery>(delivery, env);
    },
    async stop() {
      await faulty.stop();
      await sqs.stop();
      await ses.stop();
    },
  };
}
