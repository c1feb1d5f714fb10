// SES answers the local SES cannot produce (throttling, a rejected message), and the exact SES
// request, through aws-sdk-client-mock on the mailer's source: the bundle carries its own SDK copy.
import { SESClient, SendEmailCommand } from "@aws-sdk/client-ses";
import { mockClient } from "aws-sdk-client-mock";
import type { BundledMailer } from "../harness/bundles";
import { recordConsoleLog } from "../harness/console-log";
import { authorizedPost } from "../harness/proxy-event";

const sesMock = mockClient(SESClient);
let mailer: BundledMailer;
const logLines = recordConsoleLog();

beforeAll(() => {
  Object.assign(process.env, {
    MAIL_FROM: "website@example.com",
    MAIL_TO: "owner@example.com, partner@example.com",
    ALLOWED_ORIGIN: "https://www.example.com",
    AWS_REGION: "us-east-1",
  });
  // Loaded after its environment is set, sharing this file's copy of the SDK with the mock.
  mailer = require("../../handlers/mailer") as BundledMailer;
});

beforeEach(() => sesMock.reset());

const event = (body: string) => authorizedPost(body);

function sesError(name: string, message: string, status: number) {
  return Object.assign(new Error(message), {
    name,
    $fault: "client",
    $metadata: { httpStatusCode: status },
  });
}

describe("mailer facing SES faults", () => {
  it("sends one SendEmail from the sender to every fixed recipient, Reply-To the visitor", async () => {
    sesMock.on(SendEmailCommand).resolves({ MessageId: "m-1" });
    const answer = await mailer.handler(
      event(JSON.stringify({ email: "ada@example.org", message: "Hi" })),
    );
    expect(JSON.parse(answer.body)).toEqual({ messageId: "m-1" });
    const calls = sesMock.commandCalls(SendEmailCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0].args[0].input).toMatchObject({
      Source: "website@example.com",
      Destination: { ToAddresses: ["owner@example.com", "partner@example.com"] },
      ReplyToAddresses: ["ada@example.org"],
    });
  });

  it.each([
    ["throttling", sesError("Throttling", "Maximum sending rate exceeded.", 400), 503, "5"],
    ["the daily quota", sesError("Throttling", "Daily message quota exceeded.", 400), 503, "3600"],
  ])("answers %s with a retryable 503", async (_label, error, status, retryAfter) => {
    sesMock.on(SendEmailCommand).rejects(error);
    const answer = await mailer.handler(event('{"message":"m"}'));
    expect(answer.statusCode).toBe(status);
    expect(answer.headers?.["Retry-After"]).toBe(retryAfter);
    expect(answer.headers?.["Access-Control-Allow-Origin"]).toBe("https://www.example.com");
    expect(answer.body).not.toMatch(/quota|rate exceeded/i);
  });

  it.each([
    ["a rejected message", sesError("MessageRejected", "Email address is not verified.", 400)],
    ["an unverified identity", sesError("MailFromDomainNotVerifiedException", "x", 400)],
  ])("answers %s with a generic 502", async (_label, error) => {
    sesMock.on(SendEmailCommand).rejects(error);
    logLines.length = 0;
    const answer = await mailer.handler(event('{"message":"m"}'));
    expect(answer.statusCode).toBe(502);
    expect(JSON.parse(answer.body)).toEqual({ error: "The email could not be sent" });
    expect(logLines).toHaveLength(1);
    expect(JSON.parse(logLines[0])).toMatchObject({ outcome: "failed", status: 502 });
    expect(logLines[0]).not.toMatch(/verified\.|Error:|at /);
  });
});

describe("the mailer's SES client after a failure", () => {
  const clientOfCall = (index: number) => sesMock.commandCalls(SendEmailCommand)[index].thisValue;

  it("is replaced after an error thrown before any request was sent (no $metadata)", async () => {
    // What the SDK's serializer throws on a string it cannot encode, before anything is sent.
    sesMock
      .on(SendEmailCommand)
      .rejectsOnce(new URIError("URI malformed"))
      .resolves({ MessageId: "m-2" });
    const failed = await mailer.handler(event('{"message":"first"}'));
    expect(failed.statusCode).toBe(502);
    const sent = await mailer.handler(event('{"message":"second"}'));
    expect(sent.statusCode).toBe(200);
    expect(clientOfCall(1)).not.toBe(clientOfCall(0));
  });

  it("is kept after an error SES itself answered (with $metadata)", async () => {
    sesMock
      .on(SendEmailCommand)
      .rejectsOnce(sesError("MessageRejected", "rejected", 400))
      .resolves({ MessageId: "m-3" });
    await mailer.handler(event('{"message":"first"}'));
    await mailer.handler(event('{"message":"second"}'));
    expect(clientOfCall(1)).toBe(clientOfCall(0));
  });
});
