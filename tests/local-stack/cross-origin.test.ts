// The contact page served from another origin, as a user's static site would be, posting to the
// local API in a real browser: the preflight and the CORS headers (on errors too) let the page
// read every answer.
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { WEB_DIR } from "../../tools/local-gateway/http-server";
import { launchChromium } from "../harness/chromium";
import { startTestStack, type TestStack } from "../harness/local-stack";

let site: Server;
let siteOrigin: string;
let stack: TestStack;
let browser: Browser;
let page: Page;

/** A plain static site: the page as a user would copy it, with only the API URL set. */
function startSite(apiUrl: () => string): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url === "/contact.js") {
      res.writeHead(200, { "Content-Type": "text/javascript" });
      res.end(readFileSync(join(WEB_DIR, "contact.js")));
      return;
    }
    const html = readFileSync(join(WEB_DIR, "index.html"), "utf8").replace(
      /content="https:\/\/YOUR-API-ID[^"]*"/,
      `content="${apiUrl()}"`,
    );
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end(html);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

beforeAll(async () => {
  let apiUrl = "";
  site = await startSite(() => apiUrl);
  // "localhost" and 127.0.0.1 are different origins: the page is cross-origin to the API.
  siteOrigin = `http://localhost:${(site.address() as AddressInfo).port}`;
  [stack, browser] = await Promise.all([startTestStack({}, siteOrigin), launchChromium()]);
  apiUrl = stack.url;
  page = await browser.newPage();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await new Promise((resolve) => site?.close(resolve));
});

async function send(token: string): Promise<string> {
  await page.goto(`${siteOrigin}/`);
  await page.getByLabel(/^Message/).fill("Hello across origins");
  await page.getByLabel(/^Access token/).fill(token);
  await page.getByRole("button", { name: "Send" }).click();
  await page.waitForFunction(() =>
    ["success", "error"].includes(document.getElementById("status")?.className ?? ""),
  );
  return (await page.getByRole("status").textContent()) ?? "";
}

it("sends from another origin after a CORS preflight", async () => {
  await stack.ses.clear();
  const preflights = () =>
    stack.logs.filter((line) => /^OPTIONS \/prod -> 200 preflight/.test(line));
  expect(preflights()).toHaveLength(0);
  expect(await send(stack.token)).toBe("Thank you! Your message was sent.");
  // The browser asked the gateway first (the page sends `authtoken` and JSON).
  expect(preflights()).toHaveLength(1);
  expect(await stack.ses.inbox()).toHaveLength(1);
});

it("lets the other origin read a 401 (CORS headers on the gateway's errors)", async () => {
  expect(await send("w".repeat(64))).toMatch(/401 Unauthorized/);
});
