// `npm start` runs the program's delivery queue too: on a real local SQS, its consumer polled as
// the event source mapping would. With the local SES failing (LOCAL_SES_FAULT), a visitor's message
// is answered 202 queued, and reaches the inbox once the fault is lifted.
import { startTestStack, type TestStack } from "../harness/local-stack";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({}, undefined, { sesFault: "throttle" });
}, 120_000);
afterAll(() => stack?.stop());

async function inboxAfter(deadlineMs: number, want: number) {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const inbox = await stack.ses.inbox();
    if (inbox.length >= want || Date.now() > until) return inbox;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

it("serves the declared queue and its consumer", () => {
  expect(Object.keys(stack.delivery.queues).sort()).toEqual(["delivery", "delivery-dead-letter"]);
  expect(stack.consumers).toEqual([
    expect.stringMatching(/^delivery-from-queue: delivery <- http/),
  ]);
});

it("queues a message while the local SES throttles, and delivers it once the fault is lifted", async () => {
  const answer = await stack.post({
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email: "ada@example.org", message: "kept through a fault" }),
  });
  expect(answer.status).toBe(202);
  expect(await answer.json()).toMatchObject({ queued: true });
  expect(await stack.ses.inbox()).toEqual([]);

  await stack.delivery.setSesFault("none");
  // The consumer retries after the local backoff (5 s); the deadline only bounds a failure.
  const inbox = await inboxAfter(30_000, 1);
  expect(inbox).toHaveLength(1);
  expect(inbox[0].body.text).toContain("kept through a fault");
  expect(stack.logs.some((line) => /^\[delivery\] .*"outcome":"delivered"/.test(line))).toBe(true);
}, 60_000);
