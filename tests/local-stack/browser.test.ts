// The contact page in a real Chromium as a visitor sees it on the local stack's site: its own
// origin (not the API's), the token published next to it, none typed and none in the URL. Sends
// a message and finds it in the SES inbox; the honeypot, a burst; and the token never reaches the
// page's scripts, console, storage or address bar.
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { PUBLISHED_TOKEN_FILE } from "../../contracts/site";
import { PROJECT_ROOT } from "../../infra/bundle";
import { WEB_DIR } from "../../tools/local-stack/site";
import { launchChromium } from "../harness/chromium";
import { startTestStack, type TestStack } from "../harness/local-stack";

const REPORT_DIR = join(PROJECT_ROOT, "reports", "screenshots");
// The pictures in docs/ are refreshed on demand (UPDATE_DOCS_SCREENSHOTS=1), so that a test run
// leaves the checkout as it found it.
const DOCS_DIR =
  process.env.UPDATE_DOCS_SCREENSHOTS === "1"
    ? join(PROJECT_ROOT, "docs", "screenshots")
    : REPORT_DIR;

let stack: TestStack;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  mkdirSync(REPORT_DIR, { recursive: true });
  mkdirSync(DOCS_DIR, { recursive: true });
  // The prod stack's settings except a small burst, so a burst is quick to provoke.
  [stack, browser] = await Promise.all([
    startTestStack({ rateLimit: 1, burstLimit: 3 }),
    launchChromium(),
  ]);
  page = await browser.newPage({ viewport: { width: 900, height: 800 } });
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function fillForm(target: Page = page) {
  await target.goto(stack.pageUrl);
  await target.getByLabel("Name").fill("Grace Hopper");
  await target.getByLabel(/^Email/).fill("grace@example.org");
  await target.getByLabel("Subject").fill("A question about your shop");
  await target.getByLabel(/^Message/).fill("Hello! Do you ship to Canada?\nThanks, Grace");
}

const status = () => page.getByRole("status");

it("serves the page from its own origin, another than the API's", () => {
  expect(new URL(stack.pageUrl).origin).not.toBe(new URL(stack.url).origin);
  expect(stack.pageUrl).not.toContain(stack.token);
});

it("sends a visitor's message with no token typed, and it arrives in the SES inbox", async () => {
  await stack.ses.clear();
  await fillForm();
  expect(await page.getByLabel(/^Access token/).isVisible()).toBe(false);
  await page.screenshot({ path: join(DOCS_DIR, "contact-page.png") });
  await page.getByRole("button", { name: "Send" }).click();
  await page.waitForFunction(() => document.getElementById("status")?.className === "success");
  expect(await status().textContent()).toBe("Thank you! Your message was sent.");
  await page.screenshot({ path: join(REPORT_DIR, "contact-success.png") });

  const emails = await stack.ses.inbox();
  expect(emails).toHaveLength(1);
  expect(emails[0]).toMatchObject({
    from: stack.settings.mailFrom,
    replyTo: ["grace@example.org"],
    destination: { to: stack.settings.mailTo },
    subject: "Contact form: A question about your shop",
  });
  expect(emails[0].body.text).toContain("Do you ship to Canada?");

  // The inbox page of aws-ses-v2-local shows the same email.
  const inbox = await browser.newPage({ viewport: { width: 1100, height: 700 } });
  try {
    await inbox.goto(stack.inboxUrl);
    await inbox
      .locator(".email", { hasText: "Contact form: A question about your shop" })
      .waitFor({ timeout: 10_000 });
    await inbox.waitForLoadState("networkidle");
    await inbox.getByRole("button", { name: "Toggle text view" }).first().click();
    await inbox.getByText("Do you ship to Canada?").waitFor({ timeout: 5_000 });
    await inbox.screenshot({ path: join(REPORT_DIR, "inbox.png") });
    await inbox.screenshot({ path: join(DOCS_DIR, "inbox.png") });
  } finally {
    await inbox.close();
  }
});

it("keeps the token out of the page's scripts, console, storage, cookies and URLs", async () => {
  // The files as written: the token is not in them, and none holds a literal token-shaped value.
  for (const name of readdirSync(WEB_DIR)) {
    expect(readFileSync(join(WEB_DIR, name), "utf8")).not.toContain(stack.token);
  }
  const visitor = await browser.newContext();
  const tab = await visitor.newPage();
  const consoleText: string[] = [];
  const requestUrls: string[] = [];
  const scripts: string[] = [];
  const sentTokens: string[] = [];
  tab.on("console", (message) => consoleText.push(message.text()));
  tab.on("pageerror", (error) => consoleText.push(String(error)));
  tab.on("request", (request) => {
    requestUrls.push(request.url());
    const header = request.headers()["authtoken"];
    if (header !== undefined) sentTokens.push(header);
  });
  tab.on("response", (response) => {
    if (response.request().resourceType() === "script") {
      scripts.push(response.url());
    }
  });
  try {
    await stack.ses.clear();
    await fillForm(tab);
    // Every script the page loaded, as served: none holds the token.
    await tab.waitForLoadState("load");
    expect(scripts.map((url) => new URL(url).pathname)).toEqual(["/contact.js"]);
    for (const url of scripts) expect(await (await fetch(url)).text()).not.toContain(stack.token);
    expect(await tab.content()).not.toContain(stack.token);

    await tab.getByRole("button", { name: "Send" }).click();
    await tab.waitForFunction(() => document.getElementById("status")?.className === "success");
    expect(await stack.ses.inbox()).toHaveLength(1);
    // The token went where it belongs (the authtoken header of the POST), fetched from its file.
    expect(sentTokens).toEqual([stack.token]);
    expect(requestUrls).toContain(`${stack.pageUrl}${PUBLISHED_TOKEN_FILE}`);
    // ...and nowhere else the page can leave it.
    const kept = await tab.evaluate(() => ({
      url: window.location.href,
      history: history.length,
      local: JSON.stringify({ ...localStorage }),
      session: JSON.stringify({ ...sessionStorage }),
      cookie: document.cookie,
      dom: document.documentElement.outerHTML,
    }));
    expect(kept.url).toBe(stack.pageUrl);
    for (const value of [kept.local, kept.session, kept.cookie, kept.dom]) {
      expect(value).not.toContain(stack.token);
    }
    expect(await visitor.cookies()).toEqual([]);
    for (const url of requestUrls) expect(url).not.toContain(stack.token);
    expect(consoleText.join("\n")).not.toContain(stack.token);
  } finally {
    await visitor.close();
  }
});

it("keeps the honeypot out of a person's sight, focus and message", async () => {
  await stack.ses.clear();
  await fillForm();
  const trap = page.locator("#website");
  // Not announced, not reachable with Tab, drawn off-screen, and left empty by a person.
  expect(await page.getByRole("textbox", { name: /Website/ }).count()).toBe(0);
  expect(await trap.getAttribute("tabindex")).toBe("-1");
  expect(await trap.getAttribute("autocomplete")).toBe("off");
  const box = await trap.boundingBox();
  expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(0);
  await page.getByRole("button", { name: "Send" }).click();
  await page.waitForFunction(() => document.getElementById("status")?.className === "success");
  expect(await trap.inputValue()).toBe("");
  expect(await stack.ses.inbox()).toHaveLength(1);
});

it("shows a bot that fills the honeypot the usual thanks, and mails nothing", async () => {
  await stack.ses.clear();
  await fillForm();
  await page.locator("#website").evaluate((input) => {
    (input as HTMLInputElement).value = "https://spam.example";
  });
  await page.getByRole("button", { name: "Send" }).click();
  await page.waitForFunction(() => document.getElementById("status")?.className === "success");
  expect(await status().textContent()).toBe("Thank you! Your message was sent.");
  expect(await stack.ses.inbox()).toHaveLength(0);
});

it("shows the 429 message when a burst has used up the stage's throttle", async () => {
  await fillForm();
  // Other visitors' burst empties the stage-wide bucket (burst 3, 1 per second).
  const burst = await Promise.all(Array.from({ length: 8 }, () => stack.post()));
  expect(burst.some((response) => response.status === 429)).toBe(true);
  await page.getByRole("button", { name: "Send" }).click();
  await page.waitForFunction(() => document.getElementById("status")?.className === "error");
  expect(await status().textContent()).toMatch(
    /Too many messages at once \(429 Too Many Requests\)/,
  );
  await page.screenshot({ path: join(REPORT_DIR, "contact-throttled.png") });
});

it("asks for the message before sending anything", async () => {
  await page.goto(stack.pageUrl);
  await page.getByRole("button", { name: "Send" }).click();
  expect(await status().textContent()).toBe("Please write a message.");
});
