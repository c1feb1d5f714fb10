// The local stack follows the program: fixture programs (tests/fixtures/programs/local-*) change
// the API, and the same tools/ serve each as declared, with the real handlers and the local SES.
import { request } from "node:http";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../infra/bundle";
import { LocalStackError } from "../../tools/local-stack/local-stack-error";
import { runPolicyCheck } from "../../tools/policy-check/run-check";
import { mandatory } from "../../tools/policy-check/report";
import { authorizerCalls, startTestStack, type TestStack } from "../harness/local-stack";

const fixture = (name: string) => join(PROJECT_ROOT, "tests", "fixtures", "programs", name);

async function withStack(name: string, use: (stack: TestStack) => Promise<void>): Promise<void> {
  const stack = await startTestStack({}, undefined, { programDir: fixture(name) });
  try {
    // aws-ses-v2-local keeps one store per process: start each fixture with an empty inbox.
    await stack.ses.clear();
    await use(stack);
  } finally {
    await stack.stop();
  }
}

const post = (stack: TestStack, path: string, token: string | null = stack.token) =>
  fetch(`${stack.url}${path}`, {
    method: "POST",
    headers: token === null ? {} : { authtoken: token },
  });

it("serves a second route behind the same authorizer", async () => {
  await withStack("local-second-route", async (stack) => {
    expect(stack.model.methods.map((m) => `${m.httpMethod} ${m.resourcePath}`).sort()).toEqual([
      "POST /",
      "POST /contact",
    ]);
    expect((await post(stack, "/contact", null)).status).toBe(401);
    expect((await post(stack, "/contact")).status).toBe(200);
    expect((await post(stack, "")).status).toBe(200);
    // One authorizer, one decision cached for the token across both routes.
    expect(authorizerCalls(stack.logs)).toBe(1);
    expect(await stack.ses.inbox()).toHaveLength(2);
    // The fixture's usage plan quota, read from its stack file.
    expect(stack.model.stages[0].usagePlans[0].quota).toEqual({ limit: 100, period: "DAY" });
  });
}, 60_000);

it("serves an open method open, and the policy pack refuses the same program", async () => {
  await withStack("local-open-method", async (stack) => {
    // The gateway lets the tokenless call through to the mailer, as API Gateway would; the
    // mailer's own check (only events its token authorizer allowed may send) refuses it.
    const open = await post(stack, "/open", null);
    expect(open.status).toBe(403);
    expect(Object.keys(await open.json())).toEqual(["error"]);
    expect(authorizerCalls(stack.logs)).toBe(0);
    expect(await stack.ses.inbox()).toHaveLength(0);
    expect((await post(stack, "", null)).status).toBe(401);
    expect((await post(stack, "")).status).toBe(200);
    expect(await stack.ses.inbox()).toHaveLength(1);
  });
  const result = await runPolicyCheck({
    programDir: fixture("local-open-method"),
    stackName: "prod",
    packDir: join(PROJECT_ROOT, "policy-pack"),
  });
  const blocking = mandatory(result);
  expect(blocking.length).toBeGreaterThan(0);
  expect(blocking.some((d) => d.urn.endsWith("post-open"))).toBe(true);
}, 90_000);

it("applies each method path's own throttle, */* to the others", async () => {
  await withStack("local-throttle-per-method", async (stack) => {
    const slow = await Promise.all([1, 2, 3].map(() => post(stack, "/slow")));
    expect(slow.map((r) => r.status).sort()).toEqual([200, 429, 429]);
    const root = await Promise.all([1, 2, 3].map(() => post(stack, "")));
    expect(root.map((r) => r.status)).toEqual([200, 200, 200]);
    const refused = slow.find((r) => r.status === 429)!;
    expect(await refused.json()).toEqual({ message: "Too Many Requests" });
    expect(await stack.ses.inbox()).toHaveLength(4);
  });
}, 60_000);

it("answers a MOCK route from its integration response, without any Lambda", async () => {
  await withStack("local-mock-route", async (stack) => {
    const status = await fetch(`${stack.url}/status`);
    expect(status.status).toBe(200);
    expect(status.headers.get("x-fixture")).toBe("mock");
    expect(await status.json()).toEqual({ status: "ok" });
    expect(stack.logs.filter((line) => line.startsWith("["))).toHaveLength(0);
    expect((await post(stack, "")).status).toBe(200);
    expect(await stack.ses.inbox()).toHaveLength(1);
  });
}, 60_000);

/** A POST sent from a given loopback address (Linux routes all of 127.0.0.0/8 to lo). */
function postFrom(
  stack: TestStack,
  localAddress: string,
): Promise<{ status: number; body: string }> {
  const url = new URL(stack.url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: "POST",
        localAddress,
        headers: { authtoken: stack.token },
      },
      (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

it("blocks one client address past a WAF rate-based rule, and not another", async () => {
  await withStack("local-waf-rate-limit", async (stack) => {
    expect(stack.model.stages[0].wafRateRules).toEqual([
      { name: "per-ip-rate", limit: 10, windowSeconds: 60 },
    ]);
    const first: number[] = [];
    for (let i = 0; i < 10; i += 1) first.push((await postFrom(stack, "127.0.0.2")).status);
    expect(first).toEqual(Array(10).fill(200));
    const blocked = await postFrom(stack, "127.0.0.2");
    expect(blocked.status).toBe(403);
    expect(JSON.parse(blocked.body)).toEqual({ message: "Forbidden" });
    expect((await postFrom(stack, "127.0.0.3")).status).toBe(200);
    expect(await stack.ses.inbox()).toHaveLength(11);
    // The blocked request reached neither the authorizer nor the mailer.
    expect(stack.logs.filter((line) => / -> 403 waf-per-ip-rate /.test(line))).toHaveLength(1);
  });
}, 60_000);

it("serves what an un-exported async main() declares after awaiting a file, as `pulumi up` would", async () => {
  await withStack("local-late-async-main", async (stack) => {
    expect(stack.model.methods.map((m) => `${m.httpMethod} ${m.resourcePath}`)).toEqual([
      "POST /contact",
    ]);
    expect((await post(stack, "/contact", null)).status).toBe(401);
    expect((await post(stack, "/contact")).status).toBe(200);
    expect(await stack.ses.inbox()).toHaveLength(1);
  });
}, 60_000);

it("refuses, in one line, a program that never finishes (a live timer), as the engine does", async () => {
  const attempt = startTestStack({}, undefined, {
    programDir: fixture("live-interval"),
    programTimeoutMs: 3_000,
  });
  await expect(attempt).rejects.toThrow(LocalStackError);
  await expect(attempt).rejects.toThrow(
    /^The program did not finish within 3 s \(a promise that never settles\?\); `pulumi up` would wait for it as well: end the timer or connection that keeps it running$/,
  );
}, 60_000);

it("refuses, in one line naming the resource, what it cannot emulate", async () => {
  const attempt = startTestStack({}, undefined, { programDir: fixture("local-refused-http") });
  await expect(attempt).rejects.toThrow(LocalStackError);
  await expect(attempt).rejects.toThrow(
    /^aws:apigateway\/integration:Integration "get-backend": integration type HTTP_PROXY \(not emulated by the local gateway\)$/,
  );
}, 60_000);

it("answers 500 on a route whose integration has no invoke permission, as API Gateway does", async () => {
  await withStack("local-route-without-permission", async (stack) => {
    const refused = await post(stack, "/contact");
    expect(refused.status).toBe(500);
    expect(await refused.json()).toEqual({ message: "Internal server error" });
    expect((await post(stack, "")).status).toBe(200);
    // Only the permitted route reached the mailer.
    expect(await stack.ses.inbox()).toHaveLength(1);
    expect(
      stack.logs.some((line) => /POST \/prod\/contact -> 500 mailer-not-permitted/.test(line)),
    ).toBe(true);
  });
}, 60_000);

it("answers 500 AuthorizerConfigurationException when the authorizer has no invoke permission", async () => {
  await withStack("local-authorizer-without-permission", async (stack) => {
    const refused = await post(stack, "");
    expect(refused.status).toBe(500);
    expect(refused.headers.get("x-amzn-errortype")).toBe("AuthorizerConfigurationException");
    expect(authorizerCalls(stack.logs)).toBe(0);
    expect(await stack.ses.inbox()).toHaveLength(0);
  });
}, 60_000);
