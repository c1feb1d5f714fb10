// The honeypot over HTTP, through the local gateway, the bundled authorizer and mailer and the real
// local SES: a filled `website` field sends nothing and looks like a success; a person's message
// (the field empty or absent) arrives.
import { startTestStack, type TestStack } from "../harness/local-stack";

const JSON_TYPE = { "Content-Type": "application/json" };
const visitor = { name: "Grace", email: "grace@example.org", message: "Do you ship to Canada?" };

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.stop());
beforeEach(() => stack.ses.clear());

const mailerOutcomes = () =>
  stack.logs
    .filter((line) => line.startsWith("[mailer] {"))
    .map((line) => (JSON.parse(line.slice("[mailer] ".length)) as { outcome: string }).outcome);

it("sends nothing for a filled honeypot, and answers 200 with a message id", async () => {
  const before = mailerOutcomes().length;
  const response = await stack.post({
    headers: JSON_TYPE,
    body: JSON.stringify({ ...visitor, website: "https://cheap-pills.example" }),
  });
  expect(response.status).toBe(200);
  expect(response.headers.get("access-control-allow-origin")).toBe(stack.settings.allowedOrigin);
  expect(await response.json()).toEqual({ messageId: expect.stringMatching(/^0100[0-9a-f]{12}-/) });
  expect(await stack.ses.inbox()).toEqual([]);
  expect(mailerOutcomes().slice(before)).toEqual(["dropped-honeypot"]);
  expect(stack.logs.join("\n")).not.toContain("cheap-pills");
});

it("delivers a person's message, with the honeypot empty or left out", async () => {
  for (const body of [{ ...visitor, website: "" }, visitor]) {
    const response = await stack.post({ headers: JSON_TYPE, body: JSON.stringify(body) });
    expect(response.status).toBe(200);
  }
  const emails = await stack.ses.inbox();
  expect(emails).toHaveLength(2);
  expect(emails.map((email) => email.replyTo)).toEqual([
    ["grace@example.org"],
    ["grace@example.org"],
  ]);
});
