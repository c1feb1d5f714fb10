// The contact page in a real browser (Debian's Chromium through playwright-core) against the
// running local stack: send a message and find it in the SES inbox page, a wrong token, and a burst.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { PROJECT_ROOT } from "../../infra/bundle";
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
  page = await browser.newPage({ viewport: { width: 900, height: 860 } });
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function fillForm(token: string) {
  await page.goto(stack.pageUrl);
  await page.getByLabel("Name").fill("Grace Hopper");
  await page.getByLabel(/^Email/).fill("grace@example.org");
  await page.getByLabel("Subject").fill("A question about your shop");
  await page.getByLabel(/^Message/).fill("Hello! Do you ship to Canada?\nThanks, Grace");
  await page.getByLabel(/^Access token/).fill(token);
}

const status = () => page.getByRole("status");

it("sends a message from the page and it arrives in the SES inbox", async () => {
  await stack.ses.clear();
  await fillForm(stack.token);
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

it("keeps the honeypot out of a person's sight, focus and message (issue 11)", async () => {
  await stack.ses.clear();
  await fillForm(stack.token);
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
  await fillForm(stack.token);
  await page.locator("#website").evaluate((input) => {
    (input as HTMLInputElement).value = "https://spam.example";
  });
  await page.getByRole("button", { name: "Send" }).click();
  await page.waitForFunction(() => document.getElementById("status")?.className === "success");
  expect(await status().textContent()).toBe("Thank you! Your message was sent.");
  expect(await stack.ses.inbox()).toHaveLength(0);
});

it("fills the token from the #token= fragment and removes it from the address bar", async () => {
  const fresh = await browser.newPage();
  try {
    await fresh.goto(`${stack.pageUrl}#token=${stack.token}`);
    await expect(fresh.getByLabel(/^Access token/).inputValue()).resolves.toBe(stack.token);
    expect(fresh.url()).toBe(stack.pageUrl);
  } finally {
    await fresh.close();
  }
});

it("shows the 401 message for a wrong token, and sends nothing", async () => {
  await stack.ses.clear();
  await fillForm("w".repeat(64));
  await page.getByRole("button", { name: "Send" }).click();
  await page.waitForFunction(() => document.getElementById("status")?.className === "error");
  expect(await status().textContent()).toMatch(/access token was refused \(401 Unauthorized\)/);
  await page.screenshot({ path: join(REPORT_DIR, "contact-wrong-token.png") });
  expect(await stack.ses.inbox()).toHaveLength(0);
});

it("shows the 429 message when a burst has used up the stage's throttle", async () => {
  await fillForm(stack.token);
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

it("asks for the message and the token before sending anything", async () => {
  await page.goto(stack.pageUrl);
  await page.getByRole("button", { name: "Send" }).click();
  expect(await status().textContent()).toBe("Please write a message.");
  await page.getByLabel(/^Message/).fill("Hi");
  await page.getByRole("button", { name: "Send" }).click();
  expect(await status().textContent()).toBe("Please enter the access token.");
});
