// docs/own-site.md's five steps, followed as a new owner would on the local
// stack, with the commands' local equivalents (ALLOWED_ORIGIN for `pulumi config set
// allowedOrigin`, the stack's siteSetup and token for the two `pulumi stack output`s): a site
// folder on its own origin, a visitor's message in the inbox. Then the same site with a wrong
// published token (the 401 message), no token file, and as a private form with a typed token.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { API_URL_META, PUBLISHED_TOKEN_FILE, TOKEN_SOURCE_META } from "../../contracts/site";
import { close, listen } from "../../tools/local-stack/ports";
import { createSiteServer, readSiteFolder, WEB_DIR } from "../../tools/local-stack/site";
import { launchChromium } from "../harness/chromium";
import { startTestStack, type TestStack } from "../harness/local-stack";

let scratch: string;
let siteDir: string;
let site: Server;
let siteOrigin: string;
let stack: TestStack;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), "own-site-"));
  siteDir = join(scratch, "site");
  mkdirSync(siteDir);
  // The owner's site: a static host serving the folder as it is on disk.
  site = createSiteServer(() => readSiteFolder(siteDir));
  siteOrigin = `http://127.0.0.1:${await listen(site, 0, "SITE_PORT")}`;
  // Step 1: `pulumi config set allowedOrigin <the site's origin>` and `pulumi up`.
  [stack, browser] = await Promise.all([startTestStack({}, siteOrigin), launchChromium()]);
  page = await browser.newPage();

  // Step 2: `pulumi stack output siteSetup` prints the meta tag to paste.
  const metaLine = stack.siteSetup
    .split("\n")
    .map((line) => line.trim())
    .find((line) => line.startsWith(`<meta name="${API_URL_META}"`));
  expect(metaLine).toBe(`<meta name="${API_URL_META}" content="${stack.url}" />`);
  expect(stack.siteSetup).toContain(`allowedOrigin is ${siteOrigin}`);
  // Step 3: copy web/index.html and web/contact.js, replace the page's mailer-api-url tag.
  for (const file of ["index.html", "contact.js"]) {
    copyFileSync(join(WEB_DIR, file), join(siteDir, file));
  }
  const html = readFileSync(join(siteDir, "index.html"), "utf8");
  const tag = new RegExp(`<meta\\s+name="${API_URL_META}"[^>]*>`);
  expect(html).toMatch(tag);
  writeFileSync(join(siteDir, "index.html"), html.replace(tag, metaLine!));
  // Step 4: `pulumi stack output siteToken --show-secrets > mailer-token.txt` in the site folder.
  publishToken(stack.token);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  if (site) await close(site);
  rmSync(scratch, { recursive: true, force: true });
});

function publishToken(token: string) {
  writeFileSync(join(siteDir, PUBLISHED_TOKEN_FILE), `${token}\n`);
}

async function send(options: { typed?: string } = {}): Promise<string> {
  await page.goto(`${siteOrigin}/`);
  await page.getByLabel(/^Message/).fill("Hello from my own site");
  if (options.typed !== undefined) await page.getByLabel(/^Access token/).fill(options.typed);
  await page.getByRole("button", { name: "Send" }).click();
  await page.waitForFunction(() =>
    ["success", "error"].includes(document.getElementById("status")?.className ?? ""),
  );
  return (await page.getByRole("status").textContent()) ?? "";
}

it("step 5: a visitor's message from the owner's site reaches the inbox (after a preflight)", async () => {
  await stack.ses.clear();
  const preflights = () =>
    stack.logs.filter((line) => /^OPTIONS \/prod -> 200 preflight/.test(line));
  expect(preflights()).toHaveLength(0);
  expect(await send()).toBe("Thank you! Your message was sent.");
  expect(page.url()).toBe(`${siteOrigin}/`);
  // The browser asked the gateway first (the page sends `authtoken` and JSON).
  expect(preflights()).toHaveLength(1);
  const emails = await stack.ses.inbox();
  expect(emails).toHaveLength(1);
  expect(emails[0].body.text).toContain("Hello from my own site");
});

it("shows the 401 message, and sends nothing, when the published token is wrong", async () => {
  await stack.ses.clear();
  publishToken("w".repeat(64));
  try {
    expect(await send()).toBe(
      "The API refused this site's access token (401 Unauthorized). Your message was not sent; please tell the site's owner.",
    );
  } finally {
    publishToken(stack.token);
  }
  expect(await stack.ses.inbox()).toHaveLength(0);
});

it("says the form is not set up when the token file is missing, and sends nothing", async () => {
  await stack.ses.clear();
  rmSync(join(siteDir, PUBLISHED_TOKEN_FILE));
  try {
    expect(await send()).toBe(
      "The contact form is not set up: its token file could not be loaded (404). Your message was not sent; please tell the site's owner.",
    );
  } finally {
    publishToken(stack.token);
  }
  expect(await stack.ses.inbox()).toHaveLength(0);
});

describe("as a private form (the visitor types the token)", () => {
  beforeAll(() => {
    rmSync(join(siteDir, PUBLISHED_TOKEN_FILE));
    const html = readFileSync(join(siteDir, "index.html"), "utf8");
    const tag = new RegExp(`<meta name="${TOKEN_SOURCE_META}" content="[^"]*" />`);
    expect(html).toMatch(tag);
    writeFileSync(
      join(siteDir, "index.html"),
      html.replace(tag, `<meta name="${TOKEN_SOURCE_META}" content="typed" />`),
    );
  });

  it("asks for the token, then sends with the typed one", async () => {
    await stack.ses.clear();
    await page.goto(`${siteOrigin}/`);
    await page.getByLabel(/^Message/).fill("Hi");
    await page.getByRole("button", { name: "Send" }).click();
    expect(await page.getByRole("status").textContent()).toBe("Please enter the access token.");
    expect(await send({ typed: stack.token })).toBe("Thank you! Your message was sent.");
    expect(await stack.ses.inbox()).toHaveLength(1);
  });

  it("shows the 401 message for a wrong typed token", async () => {
    expect(await send({ typed: "w".repeat(64) })).toMatch(
      /^The access token was refused \(401 Unauthorized\)/,
    );
  });
});
