// Red team of lambda-event-sources-not-public: stacks written to satisfy its letter while opening a
// function to anyone (refused), and stacks that break its letter while keeping its promise (passed).
import { lambdaEventSourcesNotPublic as policy } from "../../policy-pack/policies/lambda-event-sources-not-public";
import { UNKNOWN_AT_PREVIEW, handBuiltStack, type HandBuilt } from "../harness/hand-built-stack";
import { validateStack } from "../harness/policy";

const FN: HandBuilt = { type: "aws:lambda/function:Function", name: "handler" };
const TOPIC: HandBuilt = { type: "aws:sns/topic:Topic", name: "topic" };
const QUEUE: HandBuilt = { type: "aws:sqs/queue:Queue", name: "queue" };

const topicPolicy = (statement: Record<string, unknown>): HandBuilt => ({
  type: "aws:sns/topicPolicy:TopicPolicy",
  name: "topic-policy",
  inputs: { arn: UNKNOWN_AT_PREVIEW, policy: { Statement: [{ Effect: "Allow", ...statement }] } },
  deps: { arn: ["topic"] },
});
const subscription: HandBuilt = {
  type: "aws:sns/topicSubscription:TopicSubscription",
  name: "to-handler",
  inputs: { topic: UNKNOWN_AT_PREVIEW, protocol: "lambda", endpoint: UNKNOWN_AT_PREVIEW },
  deps: { topic: ["topic"], endpoint: ["handler"] },
};
const topicToLambda = (statement: Record<string, unknown>) => [
  FN,
  TOPIC,
  topicPolicy(statement),
  subscription,
];
const mapping: HandBuilt = {
  type: "aws:lambda/eventSourceMapping:EventSourceMapping",
  name: "queue-to-handler",
  inputs: { eventSourceArn: UNKNOWN_AT_PREVIEW, functionName: UNKNOWN_AT_PREVIEW },
  deps: { eventSourceArn: ["queue"], functionName: ["handler"] },
};
const queuePolicy = (statement: Record<string, unknown>, name = "queue"): HandBuilt => ({
  type: "aws:sqs/queuePolicy:QueuePolicy",
  name: `${name}-policy`,
  inputs: {
    queueUrl: UNKNOWN_AT_PREVIEW,
    policy: { Statement: [{ Effect: "Allow", ...statement }] },
  },
  deps: { queueUrl: [name] },
});
const publicBusRule = (pattern: Record<string, unknown>): HandBuilt[] => [
  FN,
  {
    type: "aws:cloudwatch/eventPermission:EventPermission",
    name: "anyone",
    inputs: { principal: "*", statementId: "anyone" },
  },
  {
    type: "aws:cloudwatch/eventRule:EventRule",
    name: "rule",
    inputs: { eventPattern: JSON.stringify(pattern) },
  },
  {
    type: "aws:cloudwatch/eventTarget:EventTarget",
    name: "rule-to-handler",
    inputs: { rule: UNKNOWN_AT_PREVIEW, arn: UNKNOWN_AT_PREVIEW },
    deps: { rule: ["rule"], arn: ["handler"] },
  },
];

const REFUSED: Array<[string, HandBuilt[], RegExp]> = [
  [
    'Principal {AWS: ["*"]} with sns:*',
    topicToLambda({ Principal: { AWS: ["*"] }, Action: "sns:*" }),
    /allows sns:Publish to Principal "\*"/,
  ],
  [
    "NotPrincipal (everyone else)",
    topicToLambda({
      NotPrincipal: { AWS: "arn:aws:iam::123456789012:root" },
      Action: "sns:Publish",
    }),
    /to everyone but its NotPrincipal/,
  ],
  [
    "NotAction that leaves Publish",
    topicToLambda({ Principal: "*", NotAction: ["sns:DeleteTopic"] }),
    /allows sns:Publish to Principal "\*"/,
  ],
  [
    "a SourceArn condition with wildcards for the account",
    topicToLambda({
      Principal: "*",
      Action: "sns:Publish",
      Condition: { ArnLike: { "aws:SourceArn": "arn:aws:s3:*:*:*" } },
    }),
    /allows sns:Publish to Principal "\*" with no condition/,
  ],
  [
    "an IfExists condition (absent key: the statement applies)",
    topicToLambda({
      Principal: "*",
      Action: "sns:Publish",
      Condition: { StringEqualsIfExists: { "aws:SourceAccount": "123456789012" } },
    }),
    /allows sns:Publish to Principal "\*"/,
  ],
  [
    "a service principal with no SourceArn (any account's bucket)",
    topicToLambda({ Principal: { Service: "s3.amazonaws.com" }, Action: "SNS:Publish" }),
    /allows sns:Publish to s3\.amazonaws\.com with no aws:SourceArn or aws:SourceAccount condition/,
  ],
  [
    "a policy unknown at preview",
    [
      FN,
      TOPIC,
      { ...topicPolicy({}), inputs: { arn: UNKNOWN_AT_PREVIEW, policy: UNKNOWN_AT_PREVIEW } },
      subscription,
    ],
    /TopicPolicy "topic-policy" is not known before deployment, so it cannot be shown not to let anyone sns:Publish/,
  ],
  [
    "a public topic reaching the function through a scoped queue (SNS to SQS to Lambda)",
    [
      FN,
      TOPIC,
      QUEUE,
      topicPolicy({ Principal: "*", Action: "sns:Publish" }),
      queuePolicy({
        Principal: { Service: "sns.amazonaws.com" },
        Action: "sqs:SendMessage",
        Condition: { ArnEquals: { "aws:SourceArn": UNKNOWN_AT_PREVIEW } },
      }),
      {
        type: "aws:sns/topicSubscription:TopicSubscription",
        name: "to-queue",
        inputs: { topic: UNKNOWN_AT_PREVIEW, protocol: "sqs", endpoint: UNKNOWN_AT_PREVIEW },
        deps: { topic: ["topic"], endpoint: ["queue"] },
      },
      mapping,
    ],
    /EventSourceMapping "queue-to-handler" makes Queue "queue" run function "handler", and Topic "topic" delivers to it \(TopicSubscription "to-queue"\), and anyone may write to it.*Close the source anyone may write to/,
  ],
  [
    "a public queue's messages moved to the function's dead-letter queue",
    [
      FN,
      {
        type: "aws:sqs/queue:Queue",
        name: "public",
        inputs: { redrivePolicy: UNKNOWN_AT_PREVIEW },
        deps: { redrivePolicy: ["queue"] },
      },
      QUEUE,
      queuePolicy({ Principal: "*", Action: "sqs:Send*" }, "public"),
      mapping,
    ],
    /Queue "public" delivers to it \(Queue "public"\), and anyone may write to it/,
  ],
  [
    "a public bus's rule (EventPermission on the default bus)",
    publicBusRule({ source: ["shop"] }),
    /makes default event bus run function "handler", and anyone may put events on it: EventPermission "anyone"/,
  ],
  [
    "a public-read-write bucket ACL (BucketAclV2)",
    [
      FN,
      { type: "aws:s3/bucketV2:BucketV2", name: "uploads" },
      {
        type: "aws:s3/bucketAclV2:BucketAclV2",
        name: "uploads-acl",
        inputs: { bucket: UNKNOWN_AT_PREVIEW, acl: "public-read-write" },
        deps: { bucket: ["uploads"] },
      },
      {
        type: "aws:s3/bucketNotification:BucketNotification",
        name: "uploads-to-handler",
        inputs: {
          bucket: UNKNOWN_AT_PREVIEW,
          lambdaFunctions: [{ lambdaFunctionArn: UNKNOWN_AT_PREVIEW }],
        },
        deps: { bucket: ["uploads"], lambdaFunctions: ["handler"] },
      },
    ],
    /BucketAclV2 "uploads-acl" sets the canned ACL "public-read-write"/,
  ],
];

const PASSED: Array<[string, HandBuilt[]]> = [
  [
    "a rule that only matches this account's events on a public bus",
    publicBusRule({ account: ["123456789012"], source: ["shop"] }),
  ],
  [
    "a public topic subscribed by email only",
    [
      TOPIC,
      topicPolicy({ Principal: "*", Action: "sns:Publish" }),
      {
        ...subscription,
        inputs: { topic: UNKNOWN_AT_PREVIEW, protocol: "email", endpoint: "a@example.com" },
        deps: { topic: ["topic"] },
      },
    ],
  ],
  [
    "a topic scoped by aws:PrincipalOrgID",
    topicToLambda({
      Principal: "*",
      Action: "sns:Publish",
      Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc123" } },
    }),
  ],
  [
    "a service principal scoped by SourceAccount",
    topicToLambda({
      Principal: { Service: "s3.amazonaws.com" },
      Action: "sns:Publish",
      Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
    }),
  ],
];

it.each(REFUSED)("refuses %s", async (_label, resources, says) => {
  const outcome = await validateStack(policy, handBuiltStack(resources));
  expect(outcome.violations.map((violation) => violation.message)).toContainEqual(
    expect.stringMatching(says),
  );
});

it.each(PASSED)("passes %s", async (_label, resources) => {
  expect(await validateStack(policy, handBuiltStack(resources))).toEqual({ violations: [] });
});
