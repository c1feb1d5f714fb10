// A seeded chaos run: 1,000 messages through the bundled mailer and, for the queued ones, the
// bundled delivery function, with a random fault on every SES request (throttling, 5xx, a rejected
// message, a reset before or after SES accepted it). Every message answered 200 or 202 must end
// in the inbox or the dead-letter queue; a second copy only of a message whose unconfirmed send was
// logged; a 200 exactly once; nothing queued that was not answered 202.
// (The black hole and a refused connection are server-wide faults, tested alone in
// mailer.delivery-faults.test.ts.)
import type { SQSEvent } from "aws-lambda";
import { pollOnce } from "../../tools/local-stack/event-source-mapping";
import type { SesFault } from "../../tools/local-ses-faults";
import { startDeliveryStack, type DeliveryStack } from "../harness/delivery-stack";
import { recordConsoleLog } from "../harness/console-log";
import { authorizedPost } from "../harness/proxy-event";
import { seededRandom } from "../harness/seeded-random";

const MESSAGES = 1_000;
const CONCURRENCY = 10;
const SEED = 18;

const WEIGHTS: [Exclude<SesFault, "down">, number][] = [
  ["none", 0.55],
  ["throttle", 0.13],
  ["unavailable", 0.1],
  ["reset-before", 0.09],
  ["reset-after", 0.09],
  ["reject", 0.04],
];

let stack: DeliveryStack;
const logLines = recordConsoleLog();
beforeAll(async () => {
  stack = await startDeliveryStack({ visibilityTimeoutSeconds: 1, maxReceiveCount: 5 });
});
afterAll(async () => {
  await stack.stop();
});

it(`keeps every accepted message of ${MESSAGES} under random SES faults (seed ${SEED})`, async () => {
  const random = seededRandom(SEED);
  const faults = new Map<string, number>();
  await stack.faulty.setFault(() => {
    let roll = random();
    for (const [fault, weight] of WEIGHTS) {
      roll -= weight;
      if (roll < 0) {
        faults.set(fault, (faults.get(fault) ?? 0) + 1);
        return fault;
      }
    }
    return "none";
  });
  const mailer = await stack.newMailer();
  const delivery = await stack.newDelivery();

  // The mailer's answers, by marker (each message's text carries its own).
  const answers = new Map<string, { status: number; requestId: string }>();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < MESSAGES) {
        const marker = `chaos-${String(next++).padStart(4, "0")}`;
        const event = authorizedPost(JSON.stringify({ message: `${marker} end` }));
        const answer = await mailer.handler(event);
        answers.set(marker, {
          status: answer.statusCode,
          requestId: event.requestContext.requestId,
        });
      }
    }),
  );

  // The event source mapping, until the queue is empty (each message at most maxReceiveCount
  // tries, one visibility timeout apart).
  const mapping = {
    client: stack.sqs.client,
    queueUrl: stack.queues.queueUrl,
    batchSize: 10,
    invoke: (event: SQSEvent) => delivery.handler(event),
  };
  for (let round = 0; round < 200; round += 1) {
    while ((await pollOnce(mapping)) > 0);
    const depth = await stack.sqs.depth(stack.queues.queueUrl);
    if (depth.messages === 0 && depth.inFlight === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  expect(await stack.sqs.depth(stack.queues.queueUrl)).toEqual({ messages: 0, inFlight: 0 });

  const markerOf = (text: string) => /chaos-\d{4}/.exec(text)?.[0] ?? "";
  const delivered = new Map<string, number>();
  for (const email of await stack.ses.inbox()) {
    const marker = markerOf(email.body.text ?? "");
    delivered.set(marker, (delivered.get(marker) ?? 0) + 1);
  }
  const deadLettered = new Set(
    (await stack.sqs.peek(stack.queues.deadLetterQueueUrl)).map((m) => markerOf(m.Body ?? "")),
  );
  const logs = logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
  const unconfirmed = new Set(
    logs
      .filter((l) => l.outcome === "unconfirmed" || l.outcome === "delivery-unconfirmed")
      .map((l) => l.requestId),
  );
  const queuedLogged = new Set(logs.filter((l) => l.outcome === "queued").map((l) => l.requestId));

  const byStatus = new Map<number, number>();
  const lost: string[] = [];
  const unexplainedCopies: string[] = [];
  const wrongCounts: string[] = [];
  for (const [marker, { status, requestId }] of answers) {
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    const copies = delivered.get(marker) ?? 0;
    if ((status === 200 || status === 202) && copies === 0 && !deadLettered.has(marker)) {
      lost.push(marker);
    }
    if (copies > 1 && !unconfirmed.has(requestId)) unexplainedCopies.push(marker);
    if (status === 200 && copies !== 1) wrongCounts.push(`${marker}: 200 with ${copies}`);
    if ((status === 202) !== queuedLogged.has(requestId)) wrongCounts.push(`${marker}: ${status}`);
    if ((status === 502 || status === 503) && (copies > 0 || deadLettered.has(marker))) {
      wrongCounts.push(`${marker}: ${status}, yet sent or kept`);
    }
    if (status === 504 && copies > 1) wrongCounts.push(`${marker}: 504 with ${copies}`);
  }
  expect(answers.size).toBe(MESSAGES);
  expect([...byStatus.keys()].every((s) => [200, 202, 502, 504].includes(s))).toBe(true);
  expect(lost).toEqual([]);
  expect(unexplainedCopies).toEqual([]);
  expect(wrongCounts).toEqual([]);
  // The run exercised what it claims to: every fault, queued messages, delivered and dead-lettered.
  expect([...faults.keys()].sort()).toEqual(WEIGHTS.map(([fault]) => fault).sort());
  expect(byStatus.get(202)).toBeGreaterThan(50);
  expect(byStatus.get(504)).toBeGreaterThan(20);
  expect(deadLettered.size).toBeGreaterThan(0);
  const accepted = (byStatus.get(200) ?? 0) + (byStatus.get(202) ?? 0);
  const keptOrSent = [...answers].filter(
    ([marker, { status }]) =>
      (status === 200 || status === 202) &&
      ((delivered.get(marker) ?? 0) > 0 || deadLettered.has(marker)),
  ).length;
  expect(keptOrSent).toBe(accepted);
}, 180_000);
