// What the real program declares for delivery on the real prod config: the encrypted queue and
// its dead-letter queue with the redrive policy, the event source mapping with partial batch
// failures, the delivery function, the least-privilege statements of both roles, and the alarms.
import { DELIVERY_QUEUE } from "../../contracts/delivery-queue";
import { FUNCTION_SIZES } from "../../contracts/functions";
import { UNCONFIRMED_FILTER_PATTERN } from "../../infra/alarms";
import { LAMBDA_NODE_RUNTIME } from "../../infra/bundle";
import {
  oneOf,
  ofType,
  prodValue,
  runProdStack,
  type ProgramRun,
  type RegisteredResource,
} from "../harness/pulumi";

const T = {
  queue: "aws:sqs/queue:Queue",
  mapping: "aws:lambda/eventSourceMapping:EventSourceMapping",
  lambda: "aws:lambda/function:Function",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  role: "aws:iam/role:Role",
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  metricFilter: "aws:cloudwatch/logMetricFilter:LogMetricFilter",
  topic: "aws:sns/topic:Topic",
} as const;

type Statement = { Effect: string; Action: string[]; Resource: string | string[] };
const statementsOf = (resource: RegisteredResource) =>
  (JSON.parse(resource.inputs.policy as string) as { Statement: Statement[] }).Statement;

let run: ProgramRun;
let queue: RegisteredResource;
let deadLetterQueue: RegisteredResource;
beforeAll(async () => {
  run = await runProdStack({ config: { "mailer-api:alarmEmail": "ops@example.com" } });
  queue = oneOf(run, T.queue, "delivery");
  deadLetterQueue = oneOf(run, T.queue, "delivery-dead-letter");
});

describe("the delivery queue", () => {
  it("is encrypted at rest and redrives to its dead-letter queue after maxReceiveCount tries", () => {
    expect(queue.inputs).toMatchObject({
      sqsManagedSseEnabled: true,
      visibilityTimeoutSeconds: DELIVERY_QUEUE.visibilityTimeoutSeconds,
      messageRetentionSeconds: DELIVERY_QUEUE.messageRetentionSeconds,
    });
    expect(JSON.parse(queue.inputs.redrivePolicy as string)).toEqual({
      deadLetterTargetArn: deadLetterQueue.outputs.arn,
      maxReceiveCount: DELIVERY_QUEUE.maxReceiveCount,
    });
    expect(deadLetterQueue.inputs).toMatchObject({
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: 14 * 86_400,
    });
    expect(deadLetterQueue.inputs.redrivePolicy).toBeUndefined();
  });

  it("gives the delivery function time: the visibility timeout is 6 times its timeout", () => {
    expect(queue.inputs.visibilityTimeoutSeconds).toBe(6 * FUNCTION_SIZES.delivery.timeout);
  });

  it("feeds the delivery function through a mapping that reports partial batch failures", () => {
    const mapping = oneOf(run, T.mapping);
    expect(mapping.inputs).toMatchObject({
      eventSourceArn: queue.outputs.arn,
      functionName: oneOf(run, T.lambda, "delivery").outputs.arn,
      batchSize: DELIVERY_QUEUE.batchSize,
      functionResponseTypes: ["ReportBatchItemFailures"],
      scalingConfig: { maximumConcurrency: DELIVERY_QUEUE.maximumConcurrency },
    });
  });
});

describe("the delivery function", () => {
  it("runs the delivery bundle with its own size, sender, recipients and dead-letter queue", () => {
    const delivery = oneOf(run, T.lambda, "delivery");
    expect(delivery.inputs).toMatchObject({
      runtime: LAMBDA_NODE_RUNTIME,
      architectures: ["arm64"],
      handler: "index.handler",
      code: { path: expect.stringMatching(/dist\/delivery$/), archive: true },
      memorySize: FUNCTION_SIZES.delivery.memorySize,
      timeout: FUNCTION_SIZES.delivery.timeout,
    });
    expect(delivery.inputs.environment).toEqual({
      variables: {
        MAIL_FROM: prodValue("mailFrom"),
        MAIL_TO: prodValue("mailTo"),
        DEAD_LETTER_QUEUE_URL: "delivery-dead-letter-id",
        NODE_OPTIONS: "--enable-source-maps",
      },
    });
  });
});

describe("least privilege", () => {
  const policiesOf = (role: string) =>
    ofType(run, T.rolePolicy)
      .filter((policy) => policy.name.startsWith(`${role}-`))
      .map((policy) => policy.name)
      .sort();

  it("lets the mailer only put messages on its queue", () => {
    expect(policiesOf("mailer")).toEqual([
      "mailer-logging",
      "mailer-queue-send",
      "mailer-ses-send",
    ]);
    expect(statementsOf(oneOf(run, T.rolePolicy, "mailer-queue-send"))).toEqual([
      { Effect: "Allow", Action: ["sqs:SendMessage"], Resource: queue.outputs.arn },
    ]);
  });

  it("lets the delivery function read and delete from the queue, and put on the dead-letter queue", () => {
    expect(policiesOf("delivery")).toEqual([
      "delivery-logging",
      "delivery-queue-read",
      "delivery-ses-send",
    ]);
    expect(statementsOf(oneOf(run, T.rolePolicy, "delivery-queue-read"))).toEqual([
      {
        Effect: "Allow",
        Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
        Resource: queue.outputs.arn,
      },
      { Effect: "Allow", Action: ["sqs:SendMessage"], Resource: deadLetterQueue.outputs.arn },
    ]);
  });

  it("sends mail from the delivery function exactly as the mailer may", () => {
    expect(oneOf(run, T.rolePolicy, "delivery-ses-send").inputs.policy).toBe(
      oneOf(run, T.rolePolicy, "mailer-ses-send").inputs.policy,
    );
  });

  it("waits for the queue policy before creating the mapping (Lambda checks it)", () => {
    const mapping = oneOf(run, T.mapping);
    expect(mapping.dependencies ?? []).toContain(
      oneOf(run, T.rolePolicy, "delivery-queue-read").urn,
    );
  });
});

describe("alarms", () => {
  it("mails alarmEmail when a message is in the dead-letter queue", () => {
    const alarm = oneOf(run, T.alarm, "dead-letters");
    expect(alarm.inputs).toMatchObject({
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: String(deadLetterQueue.outputs.arn).split(":").pop() },
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      threshold: 1,
      alarmActions: [oneOf(run, T.topic).outputs.arn],
    });
  });

  it("counts the mailer's unconfirmed sends and alarms on any", () => {
    const filter = oneOf(run, T.metricFilter, "unconfirmed-sends");
    expect(filter.inputs.pattern).toBe(UNCONFIRMED_FILTER_PATTERN);
    expect(filter.inputs.logGroupName).toBe(
      (oneOf(run, T.lambda, "mailer").inputs.loggingConfig as { logGroup: string }).logGroup,
    );
    const alarm = oneOf(run, T.alarm, "unconfirmed-sends");
    expect(alarm.inputs).toMatchObject({
      threshold: 1,
      metricName:
        filter.inputs.metricTransformation &&
        (filter.inputs.metricTransformation as { name: string }).name,
    });
  });
});
