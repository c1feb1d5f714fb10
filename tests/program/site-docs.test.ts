// docs/own-site.md states the prod stack's numbers and the commands the program's
// outputs name: each is checked against its one source (Pulumi.prod.yaml, Pulumi.yaml,
// contracts/site.ts), so the security statement cannot drift from the config.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  PUBLISHED_TOKEN_FILE,
  siteSetupText,
  TOKEN_SOURCE_META,
  TYPED_TOKEN,
} from "../../contracts/site";
import { loadStackConfig } from "../../tools/stack-config";
import { PROJECT_DIR, prodValue } from "../harness/pulumi";

const doc = readFileSync(join(PROJECT_DIR, "docs", "own-site.md"), "utf8");
const row = (key: string) => doc.split("\n").find((line) => line.includes(`(\`${key}\``)) ?? "";

it("states the prod limits as Pulumi.prod.yaml sets them", () => {
  expect(row("perIpRateLimit")).toContain(
    `| ${prodValue("perIpRateLimit")} requests per 5 minutes`,
  );
  expect(row("rateLimit")).toContain(
    `| ${prodValue("rateLimit")} requests per second, burst ${prodValue("burstLimit")}`,
  );
  expect(row("dailyQuota")).toContain(`| ${prodValue("dailyQuota")} requests a day`);
  expect(row("dailyQuota")).toContain(`at most ${prodValue("dailyQuota")} emails a day`);
  expect(doc).toContain(`spend the day's ${prodValue("dailyQuota")} messages`);
  expect(doc).toContain(
    `up to \`authorizerCacheTtl\` seconds (${prodValue("authorizerCacheTtl")} at prod)`,
  );
  const botDefault = loadStackConfig(PROJECT_DIR, "prod").values["mailer-api:botChallenge"];
  expect(row("botChallenge")).toContain(`| \`${botDefault}\` (off)`);
});

it("gives the commands and tags the outputs and the page use", () => {
  const setup = siteSetupText({ apiUrl: "https://x.example/prod", allowedOrigin: "*" });
  const publish = setup
    .split("\n")
    .find((line) => line.includes("siteToken"))!
    .trim();
  expect(doc).toContain(publish);
  expect(doc).toContain(`\`${PUBLISHED_TOKEN_FILE}\``);
  expect(doc).toContain(`<meta name="${TOKEN_SOURCE_META}" content="${TYPED_TOKEN}" />`);
  const html = readFileSync(join(PROJECT_DIR, "web", "index.html"), "utf8");
  expect(html).toContain(`<meta name="${TOKEN_SOURCE_META}" content="${PUBLISHED_TOKEN_FILE}" />`);
});
