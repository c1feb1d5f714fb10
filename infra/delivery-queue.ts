// Where an accepted message waits when SES refuses it for a passing reason: an encrypted SQS queue
// with a dead-letter queue (redrive after DELIVERY_QUEUE.maxReceiveCount tries), and the event
// source mapping that hands its messages to the delivery function, reporting partial batch
// failures. The operator redrives the dead-letter queue after fixing the cause
// (docs/incoming/issue-18-delivery.md).
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { DELIVERY_QUEUE } from "../contracts/delivery-queue";

export interface DeliveryQueues {
  queue: aws.sqs.Queue;
  deadLetterQueue: aws.sqs.Queue;
}

export function createDeliveryQueues(): DeliveryQueues {
  const deadLetterQueue = new aws.sqs.Queue("delivery-dead-letter", {
    messageRetentionSeconds: DELIVERY_QUEUE.deadLetterRetentionSeconds,
    // Encrypted at rest with SQS-owned keys (SSE-SQS): no key to manage or pay for.
    sqsManagedSseEnabled: true,
  });
  const queue = new aws.sqs.Queue("delivery", {
    visibilityTimeoutSeconds: DELIVERY_QUEUE.visibilityTimeoutSeconds,
    messageRetentionSeconds: DELIVERY_QUEUE.messageRetentionSeconds,
    sqsManagedSseEnabled: true,
    redrivePolicy: deadLetterQueue.arn.apply((deadLetterTargetArn) =>
      JSON.stringify({ deadLetterTargetArn, maxReceiveCount: DELIVERY_QUEUE.maxReceiveCount }),
    ),
  });
  return { queue, deadLetterQueue };
}

/** The delivery function reads the queue: batches, partial failures, bounded concurrency. */
export function createDeliveryMapping(
  queue: aws.sqs.Queue,
  delivery: aws.lambda.Function,
  dependsOn: pulumi.Resource[],
): aws.lambda.EventSourceMapping {
  return new aws.lambda.EventSourceMapping(
    "delivery-from-queue",
    {
      eventSourceArn: queue.arn,
      functionName: delivery.arn,
      batchSize: DELIVERY_QUEUE.batchSize,
      functionResponseTypes: ["ReportBatchItemFailures"],
      scalingConfig: { maximumConcurrency: DELIVERY_QUEUE.maximumConcurrency },
    },
    // Lambda checks the function's role can read the queue when the mapping is created.
    { dependsOn },
  );
}
