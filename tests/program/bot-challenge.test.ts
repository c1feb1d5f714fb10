// botChallenge under the engine: off by default (one rule, as before); "challenge" or "captcha" adds,
// for POST only, a lower per-IP limit (a rate-based rule scoped down to the POST method) and an
// AWS WAF Challenge or CAPTCHA action, with the site's domain as the token domain, and the
// outputs the page needs for AWS WAF's JavaScript integration. Refused when it cannot work.
import {
  checkBotChallengeOrigin,
  ConfigError,
  parseOperationsSettings,
  postRateLimit,
} from "../../infra/settings";
import { oneOf, ofType, prodValue, runProdStack, type ProgramRun } from "../harness/pulumi";

const T = {
  webAcl: "aws:wafv2/webAcl:WebAcl",
  apiKey: "aws:wafv2/apiKey:ApiKey",
} as const;

const withBot = (values: Record<string, string>) =>
  runProdStack({
    config: Object.fromEntries(
      Object.entries(values).map(([key, value]) => [`mailer-api:${key}`, value]),
    ),
  });

type Rule = Record<string, unknown> & { name: string; priority: number };
const rulesOf = (run: ProgramRun) => oneOf(run, T.webAcl).inputs.rules as Rule[];

const POST_ONLY = {
  byteMatchStatement: {
    fieldToMatch: { method: {} },
    positionalConstraint: "EXACTLY",
    searchString: "POST",
    textTransformations: [{ priority: 0, type: "NONE" }],
  },
};

it("is off on the real Pulumi.prod.yaml: one blocking rule, no challenge, no outputs", async () => {
  const run = await runProdStack();
  expect(rulesOf(run)).toHaveLength(1);
  expect(JSON.stringify(rulesOf(run))).not.toMatch(/challenge|captcha/i);
  expect(ofType(run, T.apiKey)).toHaveLength(0);
  expect(run.outputs.botChallengeScriptUrl).toBeNull();
  expect(run.outputs.captchaApiKey).toBeNull();
});

describe.each(["challenge", "captcha"] as const)("botChallenge: %s", (action) => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await withBot({ botChallenge: action });
  });

  it("keeps the all-methods limit, adds a lower POST-only limit and a POST-only " + action, () => {
    const perIp = Number(prodValue("perIpRateLimit"));
    const rules = rulesOf(run);
    expect(rules.map((rule) => [rule.name, rule.priority])).toEqual([
      ["per-ip-rate-limit", 0],
      ["per-ip-post-limit", 1],
      ["bot-challenge", 2],
    ]);
    expect(rules[0]).toMatchObject({
      action: { block: {} },
      statement: { rateBasedStatement: { limit: perIp, aggregateKeyType: "IP" } },
    });
    expect(rules[0].statement).not.toHaveProperty("rateBasedStatement.scopeDownStatement");
    expect(postRateLimit(perIp)).toBeLessThan(perIp);
    expect(rules[1]).toMatchObject({
      action: { block: {} },
      statement: {
        rateBasedStatement: {
          limit: postRateLimit(perIp),
          aggregateKeyType: "IP",
          scopeDownStatement: POST_ONLY,
        },
      },
    });
    expect(rules[2]).toMatchObject({ action: { [action]: {} }, statement: POST_ONLY });
    expect(rules[2].action).toEqual({ [action]: {} });
  });

  it("accepts tokens made for the site's domain (the page is on another host than the API)", () => {
    const host = new URL(prodValue("allowedOrigin")).hostname;
    expect(oneOf(run, T.webAcl).inputs.tokenDomains).toEqual([host]);
  });

  it("outputs the script the page loads for AWS WAF's JavaScript integration", () => {
    const url = String(run.outputs.botChallengeScriptUrl);
    expect(url).toMatch(/^https:\/\/.+\/(challenge|jsapi)\.js$/);
    expect(url.endsWith(action === "challenge" ? "/challenge.js" : "/jsapi.js")).toBe(true);
    expect(run.outputs.siteSetup).toContain(`<script src="${url}" defer></script>`);
    expect(run.outputs.siteSetup).toContain(
      `<meta name="mailer-bot-challenge" content="${action}" />`,
    );
  });

  if (action === "captcha") {
    it("declares a CAPTCHA API key for the site's domain, output as a secret", () => {
      const key = oneOf(run, T.apiKey);
      expect(key.inputs).toMatchObject({
        scope: "REGIONAL",
        tokenDomains: [new URL(prodValue("allowedOrigin")).hostname],
      });
      expect(run.secretOutputs).toContain("captchaApiKey");
    });
  } else {
    it("declares no CAPTCHA API key", () => {
      expect(ofType(run, T.apiKey)).toHaveLength(0);
      expect(run.outputs.captchaApiKey).toBeNull();
    });
  }
});

it.each([
  [{ botChallenge: "yes" }, /botChallenge.*none, challenge or captcha/],
  [{ botChallenge: "challenge", perIpRateLimit: "0" }, /botChallenge.*perIpRateLimit.*off/],
  [{ botChallenge: "challenge", perIpRateLimit: "15" }, /botChallenge.*perIpRateLimit at least 20/],
  [{ botChallenge: "captcha", allowedOrigin: "*" }, /botChallenge.*allowedOrigin/],
])("refuses %j with a message that says how to fix it", (values, message) => {
  const read = (key: string): string | undefined =>
    (values as Record<string, string>)[key] ?? prodValueOrUndefined(key);
  const check = () => {
    const operations = parseOperationsSettings(read);
    checkBotChallengeOrigin(operations.botChallenge, read("allowedOrigin")!);
  };
  expect(check).toThrow(ConfigError);
  expect(check).toThrow(message);
  expect(check).toThrow(/Fix: pulumi config set/);
});

function prodValueOrUndefined(key: string): string | undefined {
  try {
    return prodValue(key);
  } catch {
    return undefined;
  }
}
