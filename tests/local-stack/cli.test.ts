// `npm start` as a user runs it: the command prints the URLs (the contact page's on its own
// origin, with its published token), the token and a curl command that works; Ctrl-C stops it
// cleanly; a busy port gives a clear message and exit code 2.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../infra/bundle";

const TSX = join(PROJECT_ROOT, "node_modules", ".bin", "tsx");

function start(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  let output = "";
  const child = spawn(TSX, ["tools/local-stack.ts"], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

async function waitFor(output: () => string, text: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!output().includes(text)) {
    if (Date.now() > deadline) throw new Error(`"${text}" not printed; output:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

it("prints the URLs, the token and a working curl command, and stops on Ctrl-C", async () => {
  const token = "local-test-token-0123456789abcdefghijklmnop";
  const { child, output } = start({
    PORT: "0",
    SES_PORT: "0",
    SITE_PORT: "0",
    AUTH_TOKEN: token,
  });
  const exit = exited(child);
  try {
    await waitFor(output, "Press Ctrl-C to stop.", 25_000);
    const text = output();
    const apiUrl = /API \(POST\)\s+(http:\/\/127\.0\.0\.1:\d+\/prod)/.exec(text)?.[1];
    const inboxUrl = /Inbox \(SES\)\s+(http:\/\/127\.0\.0\.1:\d+\/)/.exec(text)?.[1];
    expect(apiUrl).toBeDefined();
    expect(inboxUrl).toBeDefined();
    expect(text).toContain(`Token         ${token} (from AUTH_TOKEN)`);
    expect(text).toContain(`curl -i -X POST -H "authtoken: ${token}" ${apiUrl}`);
    // The page a visitor opens: another origin than the API's, no token in its URL, the token
    // published next to it, and the siteSetup text for this stack.
    const pageUrl = /Contact page\s+(http:\/\/127\.0\.0\.1:\d+\/)\s/.exec(text)?.[1];
    expect(pageUrl).toBeDefined();
    expect(new URL(pageUrl!).origin).not.toBe(new URL(apiUrl!).origin);
    expect(text).toContain(`Open the contact page, write a message, press Send`);
    expect(text).not.toContain("#token=");
    expect(text).toContain(`<meta name="mailer-api-url" content="${apiUrl}" />`);
    expect(await (await fetch(`${pageUrl}mailer-token.txt`)).text()).toBe(`${token}\n`);

    // What the printed curl command does.
    const response = await fetch(apiUrl!, { method: "POST", headers: { authtoken: token } });
    expect(response.status).toBe(200);
    const store = (await (await fetch(`${inboxUrl}store`)).json()) as { emails: unknown[] };
    expect(store.emails).toHaveLength(1);
  } finally {
    child.kill("SIGINT");
  }
  expect(await exit).toBe(0);
  expect(output()).toContain("Stopped.");
}, 40_000);

describe("a busy port", () => {
  let busy: Server;
  beforeAll(async () => {
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
  });
  afterAll(() => new Promise((resolve) => busy.close(resolve)));

  it("exits with code 2 and says which variable to change", async () => {
    const port = String((busy.address() as AddressInfo).port);
    const { child, output } = start({ PORT: port, SES_PORT: "0", SITE_PORT: "0" });
    expect(await exited(child)).toBe(2);
    expect(output()).toContain(`Port ${port} on 127.0.0.1 is already in use`);
    expect(output()).toContain(`PORT=${Number(port) + 1} npm start`);
    expect(output()).not.toMatch(/\n\s+at /);
  }, 20_000);
});
