// HTTP against the running local stack: the real bundled handlers behind the local gateway, with
// the real local SES. Settings are the prod stack's (Pulumi.yaml + Pulumi.prod.yaml) unless a test
// names other limits.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { loadStackConfig } from "../../tools/stack-config";
import { PROJECT_ROOT } from "../../infra/bundle";
import { LocalStackError } from "../../tools/local-stack/local-stack-error";
import { startLocalStack } from "../../tools/local-stack/start-local-stack";
import { authorizerCalls, startTestStack, type TestStack } from "../harness/local-stack";

const JSON_TYPE = { "Content-Type": "application/json" };

describe("the local stack with the prod stack's settings", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack?.stop());
  beforeEach(() => stack.ses.clear());

  it("takes its settings from Pulumi.yaml and Pulumi.prod.yaml, and allows its site's origin", () => {
    const values = loadStackConfig(PROJECT_ROOT, "prod").values;
    expect(stack.settings).toEqual({
      mailFrom: values["mailer-api:mailFrom"],
      mailTo: values["mailer-api:mailTo"].split(","),
      allowedOrigin: new URL(stack.pageUrl).origin,
      rateLimit: Number(values["mailer-api:rateLimit"]),
      burstLimit: Number(values["mailer-api:burstLimit"]),
      dailyQuota: Number(values["mailer-api:dailyQuota"]),
      authorizerCacheTtl: Number(values["mailer-api:authorizerCacheTtl"]),
    });
    expect(stack.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/prod$/);
  });

  it("mails the fixed notification for a POST with no body", async () => {
    const response = await stack.post();
    expect(response.status).toBe(200);
    const { messageId } = (await response.json()) as { messageId: string };
    const emails = await stack.ses.inbox();
    expect(emails).toHaveLength(1);
    expect(emails[0]).toMatchObject({
      messageId,
      from: stack.settings.mailFrom,
      destination: { to: stack.settings.mailTo },
      replyTo: [],
      subject: "mailer-api: the API was called",
    });
  });

  it("mails a JSON message with the visitor as Reply-To", async () => {
    const response = await stack.post({
      headers: JSON_TYPE,
      body: JSON.stringify({
        name: "Ada Lovelace",
        email: "ada@example.org",
        subject: "Engines",
        message: "Hello from the local stack",
      }),
    });
    expect(response.status).toBe(200);
    const [email] = await stack.ses.inbox();
    expect(email.replyTo).toEqual(["ada@example.org"]);
    expect(email.from).toBe(stack.settings.mailFrom);
    expect(email.destination.to).toEqual(stack.settings.mailTo);
    expect(email.subject).toBe("Contact form: Engines");
    expect(email.body.text).toContain("Hello from the local stack");
  });

  it.each([
    ["no authtoken header", null],
    ["an empty authtoken header", ""],
    ["a token failing the validation expression", "too-short"],
  ])("answers 401 for %s without calling the authorizer", async (_label, token) => {
    const before = authorizerCalls(stack.logs);
    const response = await stack.post({ token });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: "Unauthorized" });
    expect(response.headers.get("access-control-allow-origin")).toBe(stack.settings.allowedOrigin);
    expect(authorizerCalls(stack.logs)).toBe(before);
  });

  it("answers 401 when the authorizer refuses a well-formed wrong token", async () => {
    const before = authorizerCalls(stack.logs);
    const response = await stack.post({ token: "w".repeat(64) });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: "Unauthorized" });
    expect(response.headers.get("access-control-allow-origin")).toBe(stack.settings.allowedOrigin);
    expect(authorizerCalls(stack.logs)).toBe(before + 1);
    expect(await stack.ses.inbox()).toHaveLength(0);
  });

  it("caches the authorizer's decision for the token", async () => {
    await new Promise((resolve) => setTimeout(resolve, 600));
    const before = authorizerCalls(stack.logs);
    expect((await stack.post()).status).toBe(200);
    expect((await stack.post()).status).toBe(200);
    // The stack's token was authorized by an earlier test: the cache (TTL 300 s) answers.
    expect(authorizerCalls(stack.logs)).toBe(before);
  });

  it.each([
    ["GET", "/prod"],
    ["DELETE", "/prod"],
    ["POST", "/prod/contact"],
  ])("answers %s %s with 403 Missing Authentication Token", async (method, path) => {
    const response = await fetch(new URL(path, stack.url), {
      method,
      headers: { authtoken: stack.token },
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ message: "Missing Authentication Token" });
    expect(response.headers.get("access-control-allow-origin")).toBe(stack.settings.allowedOrigin);
  });

  it("answers the CORS preflight for the allowed origin, without a token", async () => {
    const response = await fetch(stack.url, {
      method: "OPTIONS",
      headers: {
        Origin: stack.settings.allowedOrigin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authtoken,content-type",
      },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe(stack.settings.allowedOrigin);
    expect(response.headers.get("access-control-allow-methods")).toContain("POST");
    expect(response.headers.get("access-control-allow-headers")?.toLowerCase()).toContain(
      "authtoken",
    );
  });

  it("passes malformed JSON to the mailer, which refuses it with CORS", async () => {
    await new Promise((resolve) => setTimeout(resolve, 600));
    const response = await stack.post({ headers: JSON_TYPE, body: '{"message": ' });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: "The body is not valid JSON" });
    expect(response.headers.get("access-control-allow-origin")).toBe(stack.settings.allowedOrigin);
    expect(response.headers.get("access-control-expose-headers")).toBe("Retry-After");
    expect(await stack.ses.inbox()).toHaveLength(0);
  });

  it("passes a body over the mailer's limit to the mailer (413), and refuses one over 10 MB itself", async () => {
    await new Promise((resolve) => setTimeout(resolve, 600));
    const large = await stack.post({
      headers: JSON_TYPE,
      body: JSON.stringify({ message: "x".repeat(1024 * 1024) }),
    });
    expect(large.status).toBe(413);
    expect(((await large.json()) as { error: string }).error).toMatch(/larger than/);
    const huge = await stack.post({ headers: JSON_TYPE, body: "x".repeat(10 * 1024 * 1024 + 1) });
    expect(huge.status).toBe(413);
    expect(await huge.json()).toEqual({ message: "Request Too Long" });
    expect(huge.headers.get("access-control-allow-origin")).toBe(stack.settings.allowedOrigin);
    expect(await stack.ses.inbox()).toHaveLength(0);
  });

  it("never puts the token or a stack trace in its log lines", () => {
    const joined = stack.logs.join("\n");
    expect(joined).not.toContain(stack.token);
    expect(joined).not.toMatch(/\n\s+at /);
  });
});

describe("throttling and the daily quota", () => {
  it("answers 429 Too Many Requests past the burst, with CORS", async () => {
    const stack = await startTestStack({ rateLimit: 1, burstLimit: 3 });
    try {
      const responses = await Promise.all(Array.from({ length: 6 }, () => stack.post()));
      const statuses = responses.map((response) => response.status).sort();
      expect(statuses).toEqual([200, 200, 200, 429, 429, 429]);
      const refused = responses.find((response) => response.status === 429)!;
      expect(await refused.json()).toEqual({ message: "Too Many Requests" });
      expect(refused.headers.get("access-control-allow-origin")).toBe(stack.settings.allowedOrigin);
      expect(await stack.ses.inbox()).toHaveLength(3);
    } finally {
      await stack.stop();
    }
  });

  it("answers 429 Limit Exceeded past the daily quota", async () => {
    const stack = await startTestStack({ rateLimit: 50, burstLimit: 50, dailyQuota: 2 });
    try {
      await stack.ses.clear();
      const statuses = [];
      for (let i = 0; i < 4; i += 1) statuses.push((await stack.post()).status);
      expect(statuses).toEqual([200, 200, 429, 429]);
      const refused = await stack.post();
      expect(await refused.json()).toEqual({ message: "Limit Exceeded" });
      expect(refused.headers.get("access-control-allow-origin")).toBe(stack.settings.allowedOrigin);
      expect(await stack.ses.inbox()).toHaveLength(2);
    } finally {
      await stack.stop();
    }
  });

  it("refuses limits the config would refuse", async () => {
    await expect(startTestStack({ rateLimit: 5, burstLimit: 2 })).rejects.toThrow(/burstLimit/);
  });
});

describe("ports", () => {
  let busy: Server;
  let busyPort: number;
  beforeAll(async () => {
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    busyPort = (busy.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => busy.close(resolve)));

  it.each([
    ["PORT", { port: -1, sesPort: 0, sitePort: 0 }],
    ["SES_PORT", { port: 0, sesPort: -1, sitePort: 0 }],
    ["SITE_PORT", { port: 0, sesPort: 0, sitePort: -1 }],
  ])("reports a busy %s clearly", async (variable, ports) => {
    const attempt = startLocalStack({
      port: ports.port === -1 ? busyPort : 0,
      sesPort: ports.sesPort === -1 ? busyPort : 0,
      sitePort: ports.sitePort === -1 ? busyPort : 0,
      log: () => undefined,
    });
    await expect(attempt).rejects.toThrow(LocalStackError);
    await expect(attempt).rejects.toThrow(
      new RegExp(`Port ${busyPort} on 127\\.0\\.0\\.1 is already in use.*${variable}=`),
    );
  });
});
