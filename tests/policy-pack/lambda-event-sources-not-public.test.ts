import { lambdaEventSourcesNotPublic as policy } from "../../policy-pack/policies/lambda-event-sources-not-public";
import { BOTH_MODES, runFixture, validateStack } from "../harness/policy";

const REFUSED: Array<[string, RegExp]> = [
  [
    "bad-sns-public-topic",
    /^TopicSubscription "to-handler" makes Topic "alerts" run function "handler", and anyone may write to it: TopicPolicy "alerts-policy", statement 0 \(Public\) allows sns:Publish to Principal "\*".*aws:SourceAccount/,
  ],
  [
    "bad-sqs-public-queue",
    /^EventSourceMapping "jobs-to-handler" makes Queue "jobs" run function "handler", and anyone may write to it: QueuePolicy "jobs-policy", statement 0 \(Public\) allows sqs:SendMessage.*Give sqs:SendMessage only to named accounts or services/,
  ],
  [
    "bad-s3-public-bucket",
    /^BucketNotification "uploads-to-handler" makes Bucket "uploads" run function "handler", and anyone may write to it: BucketPolicy "uploads-policy", statement 0 \(Public\) allows s3:PutObject.*Keep the bucket private.*aws\.s3\.BucketPublicAccessBlock/,
  ],
  [
    "bad-eventbridge-public-bus",
    /^EventTarget "order-placed-to-handler" makes EventBus "orders" run function "handler", and anyone may put events on it: EventBusPolicy "orders-policy", statement 0 \(Public\) allows events:PutEvents.*pin the rule's eventPattern to your accounts/,
  ],
];

describe.each(BOTH_MODES)("lambda-event-sources-not-public in %s", (_mode, preview) => {
  it.each(REFUSED)(
    "refuses %s, naming the trigger, the source and the fix",
    async (fixture, says) => {
      const run = await runFixture(fixture, preview);
      const outcome = await validateStack(policy, run);
      expect(outcome.violations).toEqual([
        { message: expect.stringMatching(says), urn: expect.any(String) },
      ]);
    },
  );

  it.each([
    "good-sns-topic-scoped",
    "good-sqs-queue-scoped",
    "good-s3-bucket-private",
    "good-eventbridge-bus-scoped",
  ])("passes %s", async (fixture) => {
    expect(await validateStack(policy, await runFixture(fixture, preview))).toEqual({
      violations: [],
    });
  });
});
