// The bundled mailer, loaded as Lambda loads it, sending through a real local SES.
import type { APIGatewayProxyEvent } from "aws-lambda";
import { createServer } from "node:net";
import { MAX_BODY_BYTES } from "../../handlers/contact-message";
import {
  LOCAL_AWS_ENV,
  TEST_MAILER_ENV,
  builtHandlers,
  loadBundledHandler,
  useBundledMailer,
  type BundledMailer,
} from "../harness/bundles";
import { recordConsoleLog } from "../harness/console-log";
import { authorizedPost as post, lastRequestId } from "../harness/proxy-event";

// aws-ses-v2-local keeps only the first recipient of a v1 SendEmail; several recipients are
// checked on the SES request itself (mailer.ses-faults.test.ts).
const { mailer, ses } = useBundledMailer({ ses: "local" });
const logLines = recordConsoleLog();

beforeEach(() => ses().clear());

describe("bundled mailer with the local SES", () => {
  it("mails the fixed notification for a POST with no body, as curl sends it", async () => {
    const answer = await mailer().handler(post(null, { authtoken: "x" }));
    expect(answer.statusCode).toBe(200);
    const { messageId } = JSON.parse(answer.body) as { messageId: string };
    const [email, ...others] = await ses().inbox();
    expect(others).toHaveLength(0);
    expect(email.messageId).toBe(messageId);
    expect(email.from).toBe("website@example.com");
    expect(email.destination.to).toEqual(["owner@example.com"]);
    expect(email.replyTo).toEqual([]);
    expect(email.subject).toBe("mailer-api: the API was called");
    expect(email.body.text).toContain(lastRequestId());
  });

  it("mails a visitor's JSON message with the visitor as Reply-To", async () => {
    const body = JSON.stringify({
      name: "Ada Lovelace",
      email: "ada@example.org",
      subject: "A question about order 42",
      message: "Hello,\nis it shipped?",
    });
    const answer = await mailer().handler(post(body));
    expect(answer.statusCode).toBe(200);
    expect(answer.headers).toMatchObject({
      "Access-Control-Allow-Origin": "https://www.example.com",
      "Content-Type": "application/json",
    });
    const [email] = await ses().inbox();
    expect(email.from).toBe("website@example.com");
    expect(email.destination).toEqual({
      to: ["owner@example.com"],
      cc: [],
      bcc: [],
    });
    expect(email.replyTo).toEqual(["ada@example.org"]);
    expect(email.subject).toBe("Contact form: A question about order 42");
    expect(email.body.text).toContain("Name: Ada Lovelace");
    expect(email.body.text).toContain("Hello,\nis it shipped?");
  });

  it("decodes a base64-encoded body", async () => {
    const body = Buffer.from(JSON.stringify({ message: "sent as base64" })).toString("base64");
    const answer = await mailer().handler(post(body, undefined, { isBase64Encoded: true }));
    expect(answer.statusCode).toBe(200);
    expect((await ses().inbox())[0].body.text).toContain("sent as base64");
  });

  const json = { "Content-Type": "application/json" };
  const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
  const body = (fields: Record<string, string>) => JSON.stringify({ message: "m", ...fields });
  const long = (length: number) => "x".repeat(length);
  const badRequests: Array<[string, APIGatewayProxyEvent, number]> = [
    ["invalid JSON", post("{not json"), 400],
    ["truncated JSON", post('{"message": "hi"'), 400],
    ["a JSON array", post('["message"]'), 400],
    ["a JSON string", post('"hello"'), 400],
    ["a JSON number", post("42"), 400],
    ["JSON null", post("null"), 400],
    ["an empty object", post("{}"), 400],
    ["a missing message", post('{"name": "Ada"}'), 400],
    ["an empty message", post('{"message": ""}'), 400],
    ["a blank message", post('{"message": "   "}'), 400],
    ["a numeric message", post('{"message": 5}'), 400],
    ["an object message", post('{"message": {"text": "hi"}}'), 400],
    ["a numeric name", post('{"message": "m", "name": 7}'), 400],
    ["a boolean email", post('{"message": "m", "email": true}'), 400],
    ["an array subject", post('{"message": "m", "subject": ["a"]}'), 400],
    ["an unknown field", post('{"message": "m", "to": "victim@example.com"}'), 400],
    ["a recipient override", post('{"message": "m", "bcc": "victim@example.com"}'), 400],
    ["an invalid email", post('{"message": "m", "email": "not-an-email"}'), 400],
    ["two emails", post('{"message": "m", "email": "a@example.com,b@example.com"}'), 400],
    ["an email with a display name", post('{"message":"m","email":"Ada <a@example.com>"}'), 400],
    ["CRLF in the subject", post('{"message": "m", "subject": "hi\\r\\nBcc: v@example.com"}'), 400],
    ["LF in the name", post('{"message": "m", "name": "Ada\\nBcc: v@example.com"}'), 400],
    ["CR in the email", post('{"message": "m", "email": "a@example.com\\rBcc: v@x.com"}'), 400],
    ["a NUL in the message", post('{"message": "m\\u0000"}'), 400],
    ["a control character in the name", post('{"message": "m", "name": "A\\u0007"}'), 400],
    ["an over-long name", post(JSON.stringify({ message: "m", name: long(101) })), 400],
    ["an over-long subject", post(JSON.stringify({ message: "m", subject: long(151) })), 400],
    ["an over-long message", post(JSON.stringify({ message: long(10_001) })), 400],
    ["a body over the size limit", post(JSON.stringify({ message: long(MAX_BODY_BYTES) })), 413],
    ["a huge body", post(long(MAX_BODY_BYTES * 64)), 413],
    ["a text/plain body", post("hello", { "Content-Type": "text/plain" }), 415],
    [
      "a form body",
      post("message=hi", { "content-type": "application/x-www-form-urlencoded" }),
      415,
    ],
    ["a body with no content type", post('{"message": "m"}', {}), 415],
    ["an XML body", post("<message>hi</message>", { "Content-Type": "application/xml" }), 415],
    ["invalid base64 JSON", post("!!!", json, { isBase64Encoded: true }), 400],
    ["a JSON body of spaces", post("   "), 400],
    ["a JSON body of tabs and newlines", post("\t\r\n \n"), 400],
    ["a JSON body of a lone BOM", post("\ufeff"), 400],
    ["a base64 JSON body of spaces", post(b64("  \n "), json, { isBase64Encoded: true }), 400],
    ["a base64 JSON body of a lone BOM", post(b64("\ufeff"), json, { isBase64Encoded: true }), 400],
    ["a right-to-left override in the name", post(body({ name: "Ada\u202Egnp.exe" })), 400],
    ["a zero-width space in the subject", post(body({ subject: "Pay\u200Bpal" })), 400],
    ["a BOM in the name", post(body({ name: "\ufeffAda" })), 400],
    ["a private-use character in the subject", post(body({ subject: "logo \ue000" })), 400],
    ["a soft hyphen in the email", post(body({ email: "ada\u00ad@example.org" })), 400],
    ["a GET", post(null, json, { httpMethod: "GET" }), 405],
  ];

  it.each(badRequests)(
    "refuses %s with a JSON error and sends nothing",
    async (_l, event, status) => {
      const answer = await mailer().handler(event);
      expect(answer.statusCode).toBe(status);
      const body = JSON.parse(answer.body) as { error?: unknown };
      expect(typeof body.error).toBe("string");
      expect(Object.keys(body)).toEqual(["error"]);
      expect(answer.headers?.["Access-Control-Allow-Origin"]).toBe("https://www.example.com");
      expect(await ses().inbox()).toEqual([]);
    },
  );

  it("logs one JSON line per request without the message body", async () => {
    logLines.length = 0;
    const secretText = "my private message 1234";
    await mailer().handler(post(JSON.stringify({ message: secretText })));
    await mailer().handler(post("{bad"));
    expect(logLines).toHaveLength(2);
    const [sent, refused] = logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(sent).toMatchObject({ outcome: "sent-message", status: 200 });
    expect(sent.messageId).toEqual(expect.any(String));
    expect(sent.requestId).toEqual(expect.stringMatching(/^test-request-/));
    expect(refused).toMatchObject({ outcome: "refused", status: 400 });
    expect(logLines.join("\n")).not.toContain(secretText);
  });
});

describe("bundled mailer when SES cannot be reached", () => {
  it("answers a retryable 503 (nothing was sent), with no stack and no address", async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const { mailer: bundle } = await builtHandlers();
    const unreachable = loadBundledHandler<BundledMailer>(bundle, {
      ...LOCAL_AWS_ENV,
      ...TEST_MAILER_ENV,
      AWS_ENDPOINT_URL_SES: `http://127.0.0.1:${closedPort}`,
    });
    logLines.length = 0;
    const answer = await unreachable.handler(post(JSON.stringify({ message: "m" })));
    // No delivery queue in this container: certainly not sent, so the visitor may try again.
    expect(answer.statusCode).toBe(503);
    expect(answer.headers?.["Retry-After"]).toBe("30");
    // The refused connection itself, not some other failure that also maps to 503.
    expect(JSON.parse(logLines[0])).toMatchObject({ status: 503, reason: "ses-unreachable" });
    expect(JSON.parse(answer.body)).toEqual({
      error: "The mail service is unavailable, please try again later",
    });
    expect(answer.body).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|at /);
  });
});

describe("bundled mailer without its addresses", () => {
  it("answers 500 and logs it as a failure, never as a refusal of the caller", async () => {
    const { mailer: bundle } = await builtHandlers();
    const unconfigured = loadBundledHandler<BundledMailer>(bundle, {
      ...LOCAL_AWS_ENV,
      ...TEST_MAILER_ENV,
      MAIL_FROM: "",
      MAIL_TO: "",
      AWS_ENDPOINT_URL_SES: ses().url,
    });
    logLines.length = 0;
    const answer = await unconfigured.handler(post(JSON.stringify({ message: "m" })));
    expect(answer.statusCode).toBe(500);
    expect(JSON.parse(logLines[0])).toMatchObject({
      level: "error",
      outcome: "failed",
      status: 500,
      reason: "not-configured",
    });
    expect(await ses().inbox()).toEqual([]);
  });
});

describe("bundled mailer facing what is not an authorized API Gateway POST", () => {
  const withoutAuthorizer = post(JSON.stringify({ message: "m" }));
  withoutAuthorizer.requestContext = { requestId: "r-1" } as never;
  const wrongAuthorizer = post(null);
  wrongAuthorizer.requestContext = {
    requestId: "r-2",
    authorizer: { principalId: "someone", authorizedBy: "another-authorizer" },
  } as never;
  const { httpMethod: _dropped, ...withoutMethod } = post(null);
  const { requestContext: _gone, ...withoutContext } = post(null);
  const events: Array<[string, unknown, number]> = [
    ["a null event", null, 400],
    ["an array event", [post(null)], 400],
    ["a string event", "POST /", 400],
    ["a number event", 42, 400],
    ["an empty object", {}, 400],
    ["an event without httpMethod", withoutMethod, 400],
    ["an event with a numeric body", { ...post(null), body: 7 }, 400],
    ["an event without requestContext", withoutContext, 403],
    ["an event without the authorizer's context", withoutAuthorizer, 403],
    ["an event from another authorizer", wrongAuthorizer, 403],
  ];

  it.each(events)("refuses %s without calling SES", async (_label, event, status) => {
    const answer = await mailer().handler(event as APIGatewayProxyEvent);
    expect(answer.statusCode).toBe(status);
    expect(Object.keys(JSON.parse(answer.body) as object)).toEqual(["error"]);
    expect(await ses().inbox()).toEqual([]);
  });

  it("names the field that holds an invisible formatting character", async () => {
    for (const field of ["name", "subject"]) {
      const answer = await mailer().handler(
        post(JSON.stringify({ message: "m", [field]: "a\u202eb" })),
      );
      expect(answer.statusCode).toBe(400);
      expect(answer.body).toContain(`Field \\"${field}\\"`);
    }
  });

  it("still accepts format characters in the message body, where no header shows them", async () => {
    const answer = await mailer().handler(
      post(JSON.stringify({ message: "family: 👨\u200d👩\u200d👧" })),
    );
    expect(answer.statusCode).toBe(200);
  });
});
