// The delivery queue's settings, shared by the program (infra/delivery-queue.ts), the delivery
// function, the local stack and the tests. A message the mail service refused for a passing
// reason waits here; the delivery function sends it, and after `maxReceiveCount` failed tries SQS
// moves it to the dead-letter queue.
import { FUNCTION_SIZES } from "./functions";

export const DELIVERY_QUEUE = {
  /** Tries before SQS moves a message to the dead-letter queue. */
  maxReceiveCount: 5,
  /** The backoff between tries; AWS asks for at least 6 times the consumer's timeout. */
  visibilityTimeoutSeconds: 6 * FUNCTION_SIZES.delivery.timeout,
  /** Messages per invocation of the delivery function. */
  batchSize: 5,
  /** Concurrent deliveries at most (2 is the event source mapping's minimum). */
  maximumConcurrency: 2,
  messageRetentionSeconds: 4 * 86_400,
  deadLetterRetentionSeconds: 14 * 86_400,
} as const;

/** The message attribute that says why the delivery function dead-lettered a message. */
export const DEAD_LETTER_REASON_ATTRIBUTE = "reason";
