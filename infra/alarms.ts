// What tells the operator that something is wrong: CloudWatch alarms on the prod stage, the mailer
// and the web ACL, notifying an SNS topic with one email subscription. Every threshold comes from
// config (infra/settings.ts); docs/deploy-and-operate.md explains each.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { StackSettings } from "./config";
import type { PerIpRateLimit } from "./waf";

const FIVE_MINUTES = 300;
const ONE_DAY = 86_400;

/**
 * Words that appear together only in the mailer's log line for a failed SES send (handlers/log.ts
 * writes `"outcome":"failed"` and handlers/ses-errors.ts a reason starting with `ses-`). Terms,
 * not a JSON pattern: Lambda's text log format puts a timestamp and request id before the JSON.
 */
export const SES_FAILURE_FILTER_PATTERN = '"outcome" "failed" "ses-"';
/**
 * The mailer's line for a send that SES (or the queue) may have received but did not confirm
 * (handlers/ses-errors.ts, answered 504): the visitor was told it may have been sent.
 */
export const UNCONFIRMED_FILTER_PATTERN = '"outcome" "unconfirmed"';
export const SES_FAILURE_NAMESPACE = "mailer-api";

export interface Alarms {
  topic: aws.sns.Topic;
  subscription: aws.sns.TopicSubscription;
  alarms: aws.cloudwatch.MetricAlarm[];
}

export function quotaAlarmThreshold(
  settings: Pick<StackSettings, "dailyQuota" | "alarmQuotaPercent">,
) {
  return Math.ceil((settings.dailyQuota * settings.alarmQuotaPercent) / 100);
}

type Notify = { alarmActions: pulumi.Input<string>[]; okActions: pulumi.Input<string>[] };

function sum(period: number) {
  return {
    statistic: "Sum",
    period,
    evaluationPeriods: 1,
    comparisonOperator: "GreaterThanOrEqualToThreshold",
    treatMissingData: "notBreaching",
  };
}

export function createAlarms(args: {
  settings: StackSettings;
  alarmEmail: string;
  restApi: aws.apigateway.RestApi;
  stage: aws.apigateway.Stage;
  mailer: aws.lambda.Function;
  deadLetterQueue: aws.sqs.Queue;
  perIpRateLimit?: PerIpRateLimit;
}): Alarms {
  const { settings, mailer } = args;
  const topic = new aws.sns.Topic("alarms", {
    displayName: "mailer-api alarms",
  });
  const subscription = new aws.sns.TopicSubscription("alarms-email", {
    topic: topic.arn,
    protocol: "email",
    endpoint: args.alarmEmail,
  });
  const notify: Notify = { alarmActions: [topic.arn], okActions: [topic.arn] };
  const alarms = [
    ...stageAlarms(settings, args.restApi, args.stage, notify),
    sesFailureAlarm(mailer, settings.alarmServerErrors, notify),
    unconfirmedAlarm(mailer, notify),
    deadLetterAlarm(args.deadLetterQueue, notify),
  ];
  if (args.perIpRateLimit) {
    alarms.push(wafBlocksAlarm(settings, args.perIpRateLimit, notify));
  }
  return { topic, subscription, alarms };
}

/** The prod stage's request count against the daily quota, its 5xx and its 4xx. */
function stageAlarms(
  settings: StackSettings,
  restApi: aws.apigateway.RestApi,
  stage: aws.apigateway.Stage,
  notify: Notify,
): aws.cloudwatch.MetricAlarm[] {
  const stageDimensions = { ApiName: restApi.name, Stage: stage.stageName };
  return [
    new aws.cloudwatch.MetricAlarm("quota-nearly-spent", {
      alarmDescription: `The prod stage answered at least ${settings.alarmQuotaPercent}% of dailyQuota (${settings.dailyQuota}) in the last 24 hours; at 100% every visitor gets 429 until midnight UTC.`,
      namespace: "AWS/ApiGateway",
      metricName: "Count",
      dimensions: stageDimensions,
      ...sum(ONE_DAY),
      threshold: quotaAlarmThreshold(settings),
      ...notify,
    }),
    new aws.cloudwatch.MetricAlarm("server-errors", {
      alarmDescription: `The prod stage answered at least ${settings.alarmServerErrors} 5xx in 5 minutes (mailer or authorizer failing).`,
      namespace: "AWS/ApiGateway",
      metricName: "5XXError",
      dimensions: stageDimensions,
      ...sum(FIVE_MINUTES),
      threshold: settings.alarmServerErrors,
      ...notify,
    }),
    new aws.cloudwatch.MetricAlarm("client-errors", {
      alarmDescription: `The prod stage answered at least ${settings.alarmClientErrors} 4xx in 5 minutes (401 bad tokens, 403, 429 throttling or quota).`,
      namespace: "AWS/ApiGateway",
      metricName: "4XXError",
      dimensions: stageDimensions,
      ...sum(FIVE_MINUTES),
      threshold: settings.alarmClientErrors,
      ...notify,
    }),
  ];
}

/** Any message in the delivery dead-letter queue is news. */
function deadLetterAlarm(deadLetterQueue: aws.sqs.Queue, notify: Notify) {
  return new aws.cloudwatch.MetricAlarm("dead-letters", {
    alarmDescription:
      "A queued message is in the delivery dead-letter queue: SES refused it for good (the message attribute `reason` says why) or kept refusing it. Fix the cause, then redrive the dead-letter queue (docs: delivery).",
    namespace: "AWS/SQS",
    metricName: "ApproximateNumberOfMessagesVisible",
    // The queue's name is the last part of its ARN.
    dimensions: {
      QueueName: deadLetterQueue.arn.apply((arn) => arn.split(":").pop() ?? ""),
    },
    statistic: "Maximum",
    period: FIVE_MINUTES,
    evaluationPeriods: 1,
    comparisonOperator: "GreaterThanOrEqualToThreshold",
    threshold: 1,
    treatMissingData: "notBreaching",
    ...notify,
  });
}

/** A source IP blocked by the web ACL's per-IP rate rule. */
function wafBlocksAlarm(settings: StackSettings, perIpRateLimit: PerIpRateLimit, notify: Notify) {
  const { metricNames } = perIpRateLimit;
  return new aws.cloudwatch.MetricAlarm("waf-blocks", {
    alarmDescription: `AWS WAF blocked a source IP that sent more than perIpRateLimit (${settings.perIpRateLimit}) requests in 5 minutes.`,
    namespace: "AWS/WAFV2",
    metricName: "BlockedRequests",
    dimensions: {
      WebACL: metricNames.webAcl,
      Rule: metricNames.rule,
      Region: aws.getRegionOutput().region,
    },
    ...sum(FIVE_MINUTES),
    threshold: 1,
    ...notify,
  });
}

/** Sends SES may have received without confirming, from the mailer's log lines: any is news. */
function unconfirmedAlarm(mailer: aws.lambda.Function, notify: Notify): aws.cloudwatch.MetricAlarm {
  return mailerLogAlarm(mailer, notify, {
    name: "unconfirmed-sends",
    metricPrefix: "UnconfirmedSends",
    pattern: UNCONFIRMED_FILTER_PATTERN,
    threshold: 1,
    description:
      "The mailer answered 504 at least once in 5 minutes: SES did not confirm a message that it may have sent (the visitor was told so). The mailer's log group has the request ids.",
  });
}

/** SES send failures, counted from the mailer's own log lines by a metric filter. */
function sesFailureAlarm(
  mailer: aws.lambda.Function,
  threshold: number,
  notify: Notify,
): aws.cloudwatch.MetricAlarm {
  return mailerLogAlarm(mailer, notify, {
    name: "ses-send-failures",
    metricPrefix: "SesSendFailures",
    pattern: SES_FAILURE_FILTER_PATTERN,
    threshold,
    description: `The mailer failed at least ${threshold} SES sends in 5 minutes (throttled, unverified identity, rejected or unreachable): its log group says which.`,
  });
}

/** A count of the mailer's log lines matching a pattern, and an alarm on its 5-minute sum. */
function mailerLogAlarm(
  mailer: aws.lambda.Function,
  notify: Notify,
  alarm: {
    name: string;
    metricPrefix: string;
    pattern: string;
    threshold: number;
    description: string;
  },
): aws.cloudwatch.MetricAlarm {
  const metricName = pulumi.interpolate`${alarm.metricPrefix}-${mailer.name}`;
  new aws.cloudwatch.LogMetricFilter(alarm.name, {
    logGroupName: mailer.loggingConfig.apply((config) => config.logGroup),
    pattern: alarm.pattern,
    metricTransformation: {
      namespace: SES_FAILURE_NAMESPACE,
      name: metricName,
      value: "1",
      unit: "Count",
    },
  });
  return new aws.cloudwatch.MetricAlarm(alarm.name, {
    alarmDescription: alarm.description,
    namespace: SES_FAILURE_NAMESPACE,
    metricName,
    statistic: "Sum",
    period: FIVE_MINUTES,
    evaluationPeriods: 1,
    comparisonOperator: "GreaterThanOrEqualToThreshold",
    treatMissingData: "notBreaching",
    threshold: alarm.threshold,
    ...notify,
  });
}
