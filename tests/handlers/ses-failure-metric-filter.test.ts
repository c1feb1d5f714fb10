// The alarm on SES send failures counts the mailer's log lines that its metric filter matches.
// CloudWatch is not here, so this checks the pattern against the real lines the bundled mailer
// writes, as Lambda's text log format stores them: a quoted term matches when the event contains
// it, and space-separated terms must all match (CloudWatch Logs filter pattern syntax).
import type { APIGatewayProxyEvent } from "aws-lambda";
import { createServer } from "node:net";
import { SES_FAILURE_FILTER_PATTERN } from "../../infra/alarms";
import { authorizedPost } from "../harness/proxy-event";
import {
  LOCAL_AWS_ENV,
  builtHandlers,
  loadBundledHandler,
  type BundledMailer,
} from "../harness/bundles";
import { recordConsoleLog } from "../harness/console-log";
import { startLocalSes, type LocalSes } from "../../tools/local-ses";

function matchesTerms(pattern: string, event: string): boolean {
  const terms = [...pattern.matchAll(/"([^"]*)"/g)].map((match) => match[1]);
  expect(terms.length).toBeGreaterThan(0);
  return terms.every((term) => event.includes(term));
}

/** How Lambda's Node.js runtime stores a console.log line in the Text log format. */
const asLambdaTextEvent = (line: string) =>
  `2026-11-25T21:00:00.000Z\tc0ffee00-0000-4000-8000-000000000000\tINFO\t${line}`;

const env = {
  ...LOCAL_AWS_ENV,
  MAIL_FROM: "website@example.com",
  MAIL_TO: "owner@example.com",
  ALLOWED_ORIGIN: "*",
};

const post = (body: unknown): APIGatewayProxyEvent => authorizedPost(JSON.stringify(body));

let ses: LocalSes;
const lines = recordConsoleLog();
beforeAll(async () => {
  ses = await startLocalSes();
});
afterAll(async () => {
  await ses.stop();
});

async function linesOf(mailer: BundledMailer, body: unknown): Promise<string[]> {
  lines.length = 0;
  await mailer.handler(post(body));
  return lines.map(asLambdaTextEvent);
}

it("matches the line of a failed send, and no line of a sent, dropped or refused message", async () => {
  const { mailer: bundle } = await builtHandlers();
  const closedPort = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
  const failing = loadBundledHandler<BundledMailer>(bundle, {
    ...env,
    AWS_ENDPOINT_URL_SES: `http://127.0.0.1:${closedPort}`,
  });
  const failed = await linesOf(failing, { message: "hello" });
  expect(failed).toHaveLength(1);
  expect(failed[0]).toContain('"reason":"ses-unreachable"');
  expect(matchesTerms(SES_FAILURE_FILTER_PATTERN, failed[0])).toBe(true);

  // Loaded after the failing one's send: the SDK reads its endpoint from the environment lazily.
  const working = loadBundledHandler<BundledMailer>(bundle, {
    ...env,
    AWS_ENDPOINT_URL_SES: ses.url,
  });
  const others = [
    ...(await linesOf(working, { message: "hello" })),
    ...(await linesOf(working, { message: "hello", website: "bot" })),
    ...(await linesOf(working, { message: "" })),
  ];
  expect(others.map((line) => JSON.parse(line.split("\t")[3]).outcome)).toEqual([
    "sent-message",
    "dropped-honeypot",
    "refused",
  ]);
  for (const line of others) expect(matchesTerms(SES_FAILURE_FILTER_PATTERN, line)).toBe(false);
});
