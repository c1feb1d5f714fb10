// botChallenge on, on the local stack: the POST-only per-IP limit (a scope-down on the method) is
// applied as declared, the Challenge rule is named in one "Not emulated" line, and the page, with
// AWS WAF's integration script in its head, sends the WAF token in x-aws-waf-token across origins
// (the preflight allows it). AWS WAF's script itself cannot run here: a stand-in with the same
// interface (AwsWafIntegration.getToken) plays it, as a mock of AWS.
import type { Server } from "node:http";
import type { Browser } from "playwright-core";
import { BOT_CHALLENGE_META, WAF_TOKEN_HEADER } from "../../contracts/site";
import { postRateLimit } from "../../infra/settings";
import { describeNotEmulated } from "../../tools/local-stack/banner";
import { close, listen } from "../../tools/local-stack/ports";
import { createSiteServer, publishSite, type SiteFiles } from "../../tools/local-stack/site";
import { launchChromium } from "../harness/chromium";
import { startTestStack, type TestStack } from "../harness/local-stack";

const PER_IP = 20;
const WAF_TOKEN = "stand-in-aws-waf-token";
let stack: TestStack;
let site: Server;
let siteOrigin: string;
let files: SiteFiles = {};
let browser: Browser;

beforeAll(async () => {
  site = createSiteServer(() => files);
  siteOrigin = `http://127.0.0.1:${await listen(site, 0, "SITE_PORT")}`;
  [stack, browser] = await Promise.all([
    // A throttle out of the way, so that only the WAF rules refuse.
    startTestStack({ rateLimit: 100, burstLimit: 100 }, siteOrigin, {
      config: { botChallenge: "challenge", perIpRateLimit: String(PER_IP) },
    }),
    launchChromium(),
  ]);
  const published = publishSite({ apiUrl: stack.url, token: stack.token });
  files = {
    ...published,
    // What siteSetup's step 4 tells the owner to paste, with the stand-in script.
    "/index.html": published["/index.html"].replace(
      "</head>",
      `<script src="challenge.js" defer></script>\n<meta name="${BOT_CHALLENGE_META}" content="challenge" />\n</head>`,
    ),
    "/challenge.js": `window.AwsWafIntegration = { getToken: async () => "${WAF_TOKEN}" };\n`,
  };
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  if (site) await close(site);
});

it("reads the POST-only limit and names the challenge it does not run, in one line", () => {
  expect(stack.model.stages[0].wafRateRules).toEqual([
    { name: "per-ip-rate-limit", limit: PER_IP, windowSeconds: 300 },
    { name: "per-ip-post-limit", limit: postRateLimit(PER_IP), windowSeconds: 300, method: "POST" },
    { name: "bot-challenge", limit: 0, windowSeconds: 0, notEmulated: "challenge" },
  ]);
  const lines = describeNotEmulated(stack.model);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(
    /^Not emulated: AWS WAF's Challenge \(rule bot-challenge, botChallenge\)/,
  );
});

it("sends the page's message with the WAF token in its header, after a preflight that allows it", async () => {
  await stack.ses.clear();
  const page = await browser.newPage();
  const sent: Array<string | undefined> = [];
  page.on("request", (request) => {
    if (request.method() === "POST") sent.push(request.headers()[WAF_TOKEN_HEADER]);
  });
  try {
    await page.goto(`${siteOrigin}/`);
    await page.getByLabel(/^Message/).fill("Hello past the bot check");
    await page.getByRole("button", { name: "Send" }).click();
    await page.waitForFunction(() =>
      ["success", "error"].includes(document.getElementById("status")?.className ?? ""),
    );
    expect(await page.getByRole("status").textContent()).toBe("Thank you! Your message was sent.");
    expect(sent).toEqual([WAF_TOKEN]);
    expect(await stack.ses.inbox()).toHaveLength(1);
  } finally {
    await page.close();
  }
});

it("blocks an address's POSTs past half the per-IP limit, while other methods still count to the whole", async () => {
  // The page's POST above counted 1 (and its preflight 1 against the all-methods rule).
  const posts: number[] = [];
  for (let i = 1; i < postRateLimit(PER_IP); i += 1) posts.push((await stack.post()).status);
  expect(posts).toEqual(Array(postRateLimit(PER_IP) - 1).fill(200));
  const blocked = await stack.post();
  expect(blocked.status).toBe(403);
  expect(stack.logs.filter((line) => / -> 403 waf-per-ip-post-limit /.test(line))).toHaveLength(1);
  // A preflight is no POST: it is still admitted.
  const preflight = await fetch(stack.url, {
    method: "OPTIONS",
    headers: { Origin: siteOrigin, "Access-Control-Request-Method": "POST" },
  });
  expect(preflight.status).toBe(200);
});

it("shows the bot-check message when AWS WAF's script did not load", async () => {
  files = { ...files, "/challenge.js": "/* blocked */\n" };
  const page = await browser.newPage();
  try {
    await page.goto(`${siteOrigin}/`);
    await page.getByLabel(/^Message/).fill("Hello");
    await page.getByRole("button", { name: "Send" }).click();
    await page.waitForFunction(() => document.getElementById("status")?.className === "error");
    expect(await page.getByRole("status").textContent()).toBe(
      "The bot check did not load. Your message was not sent; please reload the page and try again.",
    );
  } finally {
    await page.close();
  }
});
