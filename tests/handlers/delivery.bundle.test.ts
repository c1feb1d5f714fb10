// The bundled delivery function on the real local SQS and, through the fault proxy, the real local
// SES: a queued email is sent once SES takes it again, stays queued while SES refuses for a
// passing reason, and goes to the dead-letter queue at once, with the reason, when SES refuses it
// for good or the message cannot be trusted.
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import type { SQSEvent } from "aws-lambda";
import { DEAD_LETTER_REASON_ATTRIBUTE } from "../../contracts/delivery-queue";
import { encodeDeliveryMessage } from "../../handlers/delivery-message";
import { pollOnce } from "../../tools/local-stack/event-source-mapping";
import {
  startDeliveryStack,
  type BundledDelivery,
  type DeliveryStack,
} from "../harness/delivery-stack";
import { recordConsoleLog } from "../harness/console-log";

let stack: DeliveryStack;
let delivery: BundledDelivery;
const logLines = recordConsoleLog();

beforeAll(async () => {
  stack = await startDeliveryStack({ visibilityTimeoutSeconds: 1, maxReceiveCount: 3 });
  delivery = await stack.newDelivery();
});
afterAll(async () => {
  await stack.stop();
});
beforeEach(async () => {
  logLines.length = 0;
  await stack.ses.clear();
  await stack.faulty.setFault("none");
});

const message = (requestId: string, overrides: Record<string, unknown> = {}) =>
  encodeDeliveryMessage({
    version: 1,
    requestId,
    acceptedAt: "2026-11-29T18:00:00.000Z",
    email: {
      from: "website@example.com",
      to: ["owner@example.com"],
      replyTo: ["ada@example.org"],
      subject: "Contact form",
      text: `queued ${requestId}`,
      ...overrides,
    },
  });

const enqueue = (body: string) =>
  stack.sqs.client.send(
    new SendMessageCommand({ QueueUrl: stack.queues.queueUrl, MessageBody: body }),
  );

const mapping = () => ({
  client: stack.sqs.client,
  queueUrl: stack.queues.queueUrl,
  batchSize: 10,
  invoke: (event: SQSEvent) => delivery.handler(event),
});
/** Polls once the queue's visibility timeout (1 s here) has brought failed messages back. */
const pollAfterBackoff = async () => {
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  return pollOnce(mapping());
};
const logged = () => logLines.map((line) => JSON.parse(line) as Record<string, unknown>);

it("keeps a message while SES throttles, and sends it once SES takes it again", async () => {
  await enqueue(message("r-throttled"));
  await stack.faulty.setFault("throttle");
  expect(await pollOnce(mapping())).toBe(1);
  expect(await stack.ses.inbox()).toHaveLength(0);
  expect(logged()).toEqual([
    expect.objectContaining({
      requestId: "r-throttled",
      outcome: "delivery-retry",
      reason: "ses-throttled",
    }),
  ]);
  await stack.faulty.setFault("none");
  expect(await pollAfterBackoff()).toBe(1);
  const inbox = await stack.ses.inbox();
  expect(inbox).toHaveLength(1);
  expect(inbox[0]).toMatchObject({ from: "website@example.com", replyTo: ["ada@example.org"] });
  expect(inbox[0].body.text).toContain("queued r-throttled");
  expect(logged()[1]).toMatchObject({
    requestId: "r-throttled",
    outcome: "delivered",
    receiveCount: 2,
  });
  expect(await stack.sqs.depth(stack.queues.queueUrl)).toEqual({ messages: 0, inFlight: 0 });
});

it("reports only the failed message of a batch", async () => {
  let calls = 0;
  await stack.faulty.setFault(() => (++calls === 1 ? "unavailable" : "none"));
  const answer = await delivery.handler({
    Records: [message("r-a"), message("r-b")].map((body, index) => ({
      messageId: `m-${index}`,
      body,
      attributes: { ApproximateReceiveCount: "1" },
    })) as unknown as SQSEvent["Records"],
  });
  expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: "m-0" }] });
  expect(await stack.ses.inbox()).toHaveLength(1);
});

describe("the dead-letter queue", () => {
  const deadLetters = async () =>
    (await stack.sqs.peek(stack.queues.deadLetterQueueUrl)).map((m) => ({
      body: m.Body,
      reason: m.MessageAttributes?.[DEAD_LETTER_REASON_ATTRIBUTE]?.StringValue,
    }));

  it.each([
    ["SES rejects the message", message("r-rejected"), "reject", "ses-rejected"],
    ["the message is not JSON", "{not json", "none", "message-malformed"],
    [
      "the message names another recipient",
      message("r-foreign", { to: ["someone@example.net"] }),
      "none",
      "message-foreign-address",
    ],
  ] as const)("takes it at once, with the reason, when %s", async (_label, body, fault, reason) => {
    await enqueue(body);
    await stack.faulty.setFault(fault);
    expect(await pollOnce(mapping())).toBe(1);
    expect(await stack.ses.inbox()).toHaveLength(0);
    expect(await deadLetters()).toEqual([{ body, reason }]);
    expect(logged()).toEqual([expect.objectContaining({ outcome: "dead-lettered", reason })]);
    expect(await stack.sqs.depth(stack.queues.queueUrl)).toEqual({ messages: 0, inFlight: 0 });
  });

  it("receives a message SES kept refusing, after maxReceiveCount tries (the redrive policy)", async () => {
    await enqueue(message("r-down"));
    await stack.faulty.setFault("unavailable");
    expect(await pollOnce(mapping())).toBe(1);
    expect(await pollAfterBackoff()).toBe(1);
    expect(await pollAfterBackoff()).toBe(1);
    // SQS moves it when the visibility timeout of its last receive ends.
    expect(await pollAfterBackoff()).toBe(0);
    const dead = await deadLetters();
    expect(dead.map((d) => d.body)).toEqual([message("r-down")]);
    expect(await stack.ses.inbox()).toHaveLength(0);
  });
});
