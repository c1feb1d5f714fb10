// The bundled mailer facing a network and an SES that break, through a proxy in front of the real
// local SES (tools/local-ses-faults.ts), with the real local SQS as its delivery queue. What must
// hold: every request is answered (within the SES call's timeout); an answer of 200 or 202 means
// the message is sent or kept; a message SES may have received is never sent twice by the mailer,
// and its answer and log line say it may have been sent.
import { UNCONFIRMED_MESSAGE } from "../../handlers/ses-errors";
import { startDeliveryStack, type DeliveryStack } from "../harness/delivery-stack";
import { recordConsoleLog } from "../harness/console-log";
import type { BundledMailer } from "../harness/bundles";
import { authorizedPost, lastRequestId } from "../harness/proxy-event";

let stack: DeliveryStack;
let mailer: BundledMailer;
const logLines = recordConsoleLog();

beforeAll(async () => {
  stack = await startDeliveryStack();
  mailer = await stack.newMailer();
});
afterAll(async () => {
  await stack.stop();
});
beforeEach(async () => {
  logLines.length = 0;
  stack.faulty.log.length = 0;
  await stack.ses.clear();
  await stack.faulty.setFault("none");
});

const send = (message: string, container = mailer) =>
  container.handler(authorizedPost(JSON.stringify({ email: "ada@example.org", message })));
const logged = () => logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
const queuedBodies = async () =>
  (await stack.sqs.peek(stack.queues.queueUrl)).map((m) => JSON.parse(m.Body ?? "{}"));

describe("a send SES may have received", () => {
  it("after SES accepted it and the connection was reset: one email, and the answer says it may have been sent", async () => {
    await stack.faulty.setFault("reset-after");
    const answer = await send("reset after");
    expect(await stack.ses.inbox()).toHaveLength(1);
    expect(stack.faulty.log).toHaveLength(1);
    expect(answer.statusCode).toBe(504);
    expect(JSON.parse(answer.body)).toEqual({ error: UNCONFIRMED_MESSAGE });
    expect(logged()).toEqual([
      expect.objectContaining({
        requestId: lastRequestId(),
        outcome: "unconfirmed",
        status: 504,
        reason: "ses-unconfirmed",
      }),
    ]);
    expect(await queuedBodies()).toEqual([]);
  });

  it("reset before SES saw it: no email, no resend, and the same honest answer", async () => {
    await stack.faulty.setFault("reset-before");
    const answer = await send("reset before");
    expect(await stack.ses.inbox()).toHaveLength(0);
    expect(stack.faulty.log).toHaveLength(1);
    expect(answer.statusCode).toBe(504);
    expect(logged()).toEqual([expect.objectContaining({ outcome: "unconfirmed", status: 504 })]);
  });

  it("into a black hole: answered and logged once the request timeout passes", async () => {
    await stack.faulty.setFault("blackhole");
    const answer = await send("black hole");
    expect(answer.statusCode).toBe(504);
    expect(JSON.parse(answer.body)).toEqual({ error: UNCONFIRMED_MESSAGE });
    expect(logged()).toEqual([expect.objectContaining({ outcome: "unconfirmed", status: 504 })]);
    expect(stack.faulty.log).toHaveLength(1);
  }, 15_000);
});

describe("a send SES certainly refused for a passing reason", () => {
  it.each([
    ["throttling", "throttle", 2, "ses-throttled"],
    ["a 5xx answer", "unavailable", 1, "ses-unavailable"],
    ["a refused connection (SES down)", "down", 0, "ses-unreachable"],
  ] as const)(
    "%s: 202 queued, the validated email on the delivery queue",
    async (_label, fault, attempts, reason) => {
      await stack.faulty.setFault(fault);
      // A new container: a pooled connection that SES closed would be a different fault (a
      // request written on a dead socket, which is answered as unconfirmed).
      const answer = await send(`kept through ${fault}`, await stack.newMailer());
      expect(answer.statusCode).toBe(202);
      expect(JSON.parse(answer.body)).toMatchObject({ queued: true, reference: lastRequestId() });
      // Throttling is retried once at once; nothing else is.
      expect(stack.faulty.log).toHaveLength(attempts);
      expect(logged()).toEqual([
        expect.objectContaining({
          requestId: lastRequestId(),
          outcome: "queued",
          status: 202,
          reason,
        }),
      ]);
      const queued = await queuedBodies();
      expect(queued).toHaveLength(1);
      expect(queued[0]).toMatchObject({
        requestId: lastRequestId(),
        email: {
          from: "website@example.com",
          to: ["owner@example.com"],
          replyTo: ["ada@example.org"],
        },
      });
      expect(queued[0].email.text).toContain(`kept through ${fault}`);
      expect(await stack.ses.inbox()).toHaveLength(0);
    },
  );

  it("throttled once then accepted: sent at the second try, 200", async () => {
    let calls = 0;
    await stack.faulty.setFault(() => (++calls === 1 ? "throttle" : "none"));
    const answer = await send("second try");
    expect(answer.statusCode).toBe(200);
    expect(await stack.ses.inbox()).toHaveLength(1);
  });
});
