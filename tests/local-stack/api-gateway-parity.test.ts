// Differences from API Gateway a review found, each closed and checked here on the prod program:
// - outside any stage (`/PROD`, `/other`) API Gateway answers 403 {"message":"Forbidden"} (no
//   stage, so no gateway response), while `/` still serves the local contact page;
// - paths are taken as sent: `/prod/x/..` is not `/prod` (403 Missing Authentication Token);
// - the stage's `*/*` method settings throttle OPTIONS too (each method has its own bucket);
// - an event above Lambda's 6 MB synchronous payload limit never reaches the function: API
//   Gateway answers 413 {"message":"Request Too Long"}.
import { request } from "node:http";
import { authorizerCalls, startTestStack, type TestStack } from "../harness/local-stack";

let stack: TestStack;
beforeAll(async () => {
  // burst 1: a second OPTIONS at once is over the */* method throttle.
  stack = await startTestStack({ rateLimit: 1, burstLimit: 1 });
});
afterAll(() => stack?.stop());

/** A request with its path exactly as given (fetch would resolve the dot segments). */
function raw(method: string, path: string): Promise<{ status: number; body: string }> {
  const { port } = new URL(stack.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method, path }, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => (body += chunk.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

it.each(["/PROD", "/other", "/other/path", "/Prod/"])(
  "answers %s (no such stage) with 403 Forbidden and no gateway response headers",
  async (path) => {
    const response = await fetch(new URL(path, stack.url), { method: "POST" });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ message: "Forbidden" });
    expect(response.headers.get("x-amzn-errortype")).toBe("ForbiddenException");
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  },
);

it("answers / as API Gateway does (no stage); the contact page is on the site's own origin", async () => {
  const response = await fetch(new URL("/", stack.url), { method: "GET" });
  expect(response.status).toBe(403);
  expect(await response.json()).toEqual({ message: "Forbidden" });
  const page = await fetch(stack.pageUrl);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain(`<meta name="mailer-api-url" content="${stack.url}" />`);
});

it("does not normalise dot segments: /prod/x/.. is no resource of the API", async () => {
  const before = authorizerCalls(stack.logs);
  const response = await raw("POST", "/prod/x/..");
  expect(response.status).toBe(403);
  expect(JSON.parse(response.body)).toEqual({ message: "Missing Authentication Token" });
  expect(authorizerCalls(stack.logs)).toBe(before);
  expect((await raw("POST", "/prod/./")).status).toBe(403);
});

it("throttles OPTIONS with the stage's */* method settings", async () => {
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const statuses = await Promise.all([1, 2].map(() => raw("OPTIONS", "/prod")));
  expect(statuses.map((r) => r.status).sort()).toEqual([200, 429]);
  const refused = statuses.find((r) => r.status === 429)!;
  expect(JSON.parse(refused.body)).toEqual({ message: "Too Many Requests" });
});

it("never passes an event above Lambda's 6 MB payload limit to the function", async () => {
  await new Promise((resolve) => setTimeout(resolve, 1100));
  await stack.ses.clear();
  const mailerLinesBefore = stack.logs.filter((line) => line.startsWith("[mailer]")).length;
  const response = await stack.post({
    headers: { "Content-Type": "application/json" },
    body: "x".repeat(7 * 1024 * 1024),
  });
  expect(response.status).toBe(413);
  expect(await response.json()).toEqual({ message: "Request Too Long" });
  expect(response.headers.get("access-control-allow-origin")).toBe(stack.settings.allowedOrigin);
  expect(stack.logs.filter((line) => line.startsWith("[mailer]")).length).toBe(mailerLinesBefore);
  expect(stack.logs.some((line) => line.includes("413 lambda-payload-too-large"))).toBe(true);
  expect(await stack.ses.inbox()).toHaveLength(0);
});
