// The browser tests need nothing outside npm: with Debian's Chromium hidden, the launcher falls
// back to the build inside @sparticuz/chromium, which renders a page and still enforces CORS.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { chromium, type Browser } from "playwright-core";
import { resolveChromium } from "../harness/chromium";

let server: Server;
let browser: Browser | undefined;

beforeAll(async () => {
  // Serves a page, and a JSON answer with no CORS headers that another origin must not read.
  server = createServer((req, res) => {
    if (req.url === "/data") {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end('{"secret":true}');
      return;
    }
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end("<!doctype html><title>probe</title><h1>Hello from the packaged Chromium</h1>");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

it("uses Debian's Chromium when it is installed", async () => {
  // Any existing file stands in for /usr/bin/chromium: the choice depends only on its presence.
  const launch = await resolveChromium(process.execPath);
  expect(launch.source).toBe("system");
  expect(launch.executablePath).toBe(process.execPath);
});

it("falls back to @sparticuz/chromium when /usr/bin/chromium is absent, and drives a page", async () => {
  const hidden = join(tmpdir(), "mailer-api-no-such-dir", "chromium");
  const launch = await resolveChromium(hidden);
  expect(launch.source).toBe("@sparticuz/chromium");
  expect(launch.executablePath).not.toBe(hidden);
  expect(launch.args).not.toContain("--disable-web-security");

  browser = await chromium.launch({
    executablePath: launch.executablePath,
    args: launch.args,
    env: { ...process.env, ...launch.env },
  });
  const page = await browser.newPage();
  const port = (server.address() as AddressInfo).port;
  await page.goto(`http://127.0.0.1:${port}/`);
  await expect(page.getByRole("heading").textContent()).resolves.toBe(
    "Hello from the packaged Chromium",
  );
  // "localhost" is another origin than 127.0.0.1: the same-origin policy must hide the answer.
  const crossOrigin = await page.evaluate(
    (url) =>
      fetch(url).then(
        () => "read",
        () => "blocked",
      ),
    `http://localhost:${port}/data`,
  );
  expect(crossOrigin).toBe("blocked");
  const sameOrigin = await page.evaluate(() => fetch("/data").then((r) => r.json()));
  expect(sameOrigin).toEqual({ secret: true });
}, 120_000);
