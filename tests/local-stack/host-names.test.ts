// The local API, page and inbox answer only their own host names (127.0.0.1:<port> and
// localhost:<port>): a web page that rebinds its own DNS name to 127.0.0.1 cannot read the inbox or
// call the API through it. Emptying the inbox takes a custom header, which a plain cross-site
// form POST cannot send.
import { request } from "node:http";
import { startTestStack, type TestStack } from "../harness/local-stack";

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
  await stack.ses.clear();
  await stack.post();
}, 60_000);

afterAll(() => stack?.stop());

/** A request with the Host header as given (fetch would not let us set it). */
function send(
  url: string,
  host: string | undefined,
  init: { method?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: init.method ?? "GET",
        headers: { ...(host === undefined ? {} : { Host: host }), ...init.headers },
        setHost: host === undefined,
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

const portOf = (url: string) => new URL(url).port;

describe.each([
  ["the contact page", () => stack.pageUrl],
  ["the API", () => stack.url],
  ["the inbox", () => `${stack.ses.url}/store`],
])("%s", (_label, url) => {
  it("answers its own host names", async () => {
    for (const host of [`127.0.0.1:${portOf(url())}`, `localhost:${portOf(url())}`]) {
      const { status } = await send(url(), host, {
        method: url() === stack.url ? "OPTIONS" : "GET",
      });
      expect(status).not.toBe(421);
    }
  });

  it.each(["rebound.example:PORT", "127.0.0.1:1", "localhost", "127.0.0.1.nip.io:PORT", ""])(
    "answers 421 to Host %s",
    async (host) => {
      const { status, body } = await send(url(), host.replace("PORT", portOf(url())));
      expect(status).toBe(421);
      expect(body).not.toMatch(/owner@example|website@example|Subject/i);
    },
  );
});

it("empties the inbox only for a request with the inbox's own header", async () => {
  expect((await stack.ses.inbox()).length).toBeGreaterThan(0);
  const plain = await send(`${stack.ses.url}/clear-store`, undefined, { method: "POST" });
  expect(plain.status).toBe(403);
  expect((await stack.ses.inbox()).length).toBeGreaterThan(0);
  await stack.ses.clear();
  expect(await stack.ses.inbox()).toHaveLength(0);
});
