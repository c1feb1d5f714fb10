// The honeypot in the bundled mailer, loaded as Lambda loads it, with a real local SES: a filled
// `website` field sends nothing and gets the answer of a real send; an empty one changes nothing.
import type { APIGatewayProxyEvent } from "aws-lambda";
import { FIELD_LIMITS } from "../../handlers/contact-message";
import { useBundledMailer } from "../harness/bundles";
import { recordConsoleLog } from "../harness/console-log";
import { authorizedPost, lastRequestId } from "../harness/proxy-event";

/** The shape of a MessageId from SES itself (aws-ses-v2-local answers "ses-<digits>"). */
const SES_MESSAGE_ID =
  /^0100[0-9a-f]{12}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-000000$/;

const { mailer, ses } = useBundledMailer({ ses: "local" });
const logLines = recordConsoleLog();

beforeEach(async () => {
  logLines.length = 0;
  await ses().clear();
});

const post = (fields: Record<string, unknown>): APIGatewayProxyEvent =>
  authorizedPost(JSON.stringify(fields));

const visitor = { name: "Ada", email: "ada@example.org", message: "Hello, do you ship abroad?" };

it("drops a message whose honeypot is filled: nothing reaches SES", async () => {
  const answer = await mailer().handler(post({ ...visitor, website: "http://spam.example" }));
  expect(answer.statusCode).toBe(200);
  expect(await ses().inbox()).toEqual([]);
  expect(logLines.map((line) => JSON.parse(line))).toEqual([
    { level: "info", requestId: lastRequestId(), outcome: "dropped-honeypot", status: 200 },
  ]);
  expect(logLines.join("\n")).not.toContain("spam.example");
});

it("answers a bot exactly as a real send is answered: status, headers, body keys", async () => {
  const real = await mailer().handler(post(visitor));
  const dropped = await mailer().handler(post({ ...visitor, website: "x" }));
  expect(real.statusCode).toBe(200);
  expect(dropped.statusCode).toBe(real.statusCode);
  expect(dropped.headers).toEqual(real.headers);
  expect(Object.keys(JSON.parse(dropped.body))).toEqual(Object.keys(JSON.parse(real.body)));
  const { messageId } = JSON.parse(dropped.body) as { messageId: string };
  expect(messageId).toMatch(SES_MESSAGE_ID);
  // Two dropped messages never share an id, as two sends would not.
  const again = JSON.parse((await mailer().handler(post({ ...visitor, website: "x" }))).body);
  expect(again.messageId).not.toBe(messageId);
  expect(await ses().inbox()).toHaveLength(1);
});

it("sends as before when the honeypot is empty or absent", async () => {
  for (const fields of [{ ...visitor, website: "" }, { ...visitor, website: "   " }, visitor]) {
    const answer = await mailer().handler(post(fields));
    expect(answer.statusCode).toBe(200);
  }
  const emails = await ses().inbox();
  expect(emails).toHaveLength(3);
  for (const email of emails) expect(email.body.text).toContain("do you ship abroad?");
  expect(logLines.map((line) => JSON.parse(line).outcome)).toEqual([
    "sent-message",
    "sent-message",
    "sent-message",
  ]);
});

it("validates the rest of a bot's message like a person's: a bad body is still a 400", async () => {
  const answer = await mailer().handler(post({ website: "x" }));
  expect(answer.statusCode).toBe(400);
  expect(JSON.parse(answer.body)).toEqual({
    error: 'Field "message" is required and must not be empty',
  });
  const tooLong = await mailer().handler(
    post({ ...visitor, website: "w".repeat(FIELD_LIMITS.website + 1) }),
  );
  expect(tooLong.statusCode).toBe(400);
  expect(await ses().inbox()).toEqual([]);
});
