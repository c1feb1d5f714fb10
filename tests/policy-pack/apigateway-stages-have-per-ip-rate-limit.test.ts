import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stagesHavePerIpRateLimit } from "../../policy-pack/policies/apigateway-stages-have-per-ip-rate-limit";
import { BOTH_MODES, FIXTURES_DIR, runFixture, validateStack } from "../harness/policy";
import { runProdStack } from "../harness/pulumi";
import { runCheckOfTypedFixture } from "../harness/policy-check-process";

const NO_WEB_ACL =
  /^Stage "prod" has no AWS WAF web ACL associated with it, so nothing limits requests per client/;
const NO_IP_RULE =
  /^Stage "prod" is associated with web ACL "web-acl", which has no blocking rate-based rule by source IP/;

describe.each(BOTH_MODES)("apigateway-stages-have-per-ip-rate-limit in %s", (_mode, preview) => {
  it("passes a stage with a web ACL that blocks above a per-IP rate", async () => {
    const run = await runFixture("good-per-ip-rate-limit", preview);
    expect(await validateStack(stagesHavePerIpRateLimit, run)).toEqual({ violations: [] });
  });

  it.each([
    ["good-token-authorizer", NO_WEB_ACL],
    ["bad-per-ip-on-other-stage", NO_WEB_ACL],
    ["bad-per-ip-count-only", NO_IP_RULE],
    ["bad-per-ip-forwarded-header", NO_IP_RULE],
  ])("reports %s on its prod stage, with the reason", async (fixture, message) => {
    const run = await runFixture(fixture, preview);
    const outcome = await validateStack(stagesHavePerIpRateLimit, run);
    expect(outcome.violations).toEqual([
      {
        message: expect.stringMatching(message),
        urn: run.resources.find((r) => r.type === "aws:apigateway/stage:Stage" && r.name === "prod")
          ?.urn,
      },
    ]);
  });

  it("counts a limit above the configured maximum as no per-IP limit", async () => {
    const run = await runFixture("good-per-ip-rate-limit", preview);
    const strict = await validateStack(stagesHavePerIpRateLimit, run, {
      config: { maxRequestsPerIp: 50 },
    });
    expect(strict.violations.map((v) => v.message)).toEqual([
      expect.stringMatching(/by source IP with a limit of at most 50, so nothing limits/),
    ]);
    const loose = await validateStack(stagesHavePerIpRateLimit, run, {
      config: { maxRequestsPerIp: 100 },
    });
    expect(loose.violations).toEqual([]);
  });

  it("passes the project's own prod stack, which ships perIpRateLimit", async () => {
    const outcome = await validateStack(stagesHavePerIpRateLimit, await runProdStack({ preview }));
    expect(outcome).toEqual({ violations: [] });
  });

  it("reports the project's prod stack with perIpRateLimit turned off", async () => {
    const run = await runProdStack({ preview, config: { "mailer-api:perIpRateLimit": "0" } });
    const outcome = await validateStack(stagesHavePerIpRateLimit, run);
    expect(outcome.violations.map((v) => v.message)).toEqual([expect.stringMatching(NO_WEB_ACL)]);
  });
});

it("is advisory unless the pack's config raises it", () => {
  expect(stagesHavePerIpRateLimit.enforcementLevel).toBe("advisory");
  expect(stagesHavePerIpRateLimit.remediationSteps).toMatch(
    /rateBasedStatement.*aggregateKeyType: "IP"/,
  );
});

// Through the real pack, started as the engine starts it (npm run policy).
describe("through the real pack", () => {
  const workDir = mkdtempSync(join(tmpdir(), "per-ip-policy-"));
  const mandatory = join(workDir, "mandatory.json");
  writeFileSync(
    mandatory,
    JSON.stringify({
      "apigateway-stages-have-per-ip-rate-limit": { enforcementLevel: "mandatory" },
    }),
  );

  const fixture = (name: string) => join(FIXTURES_DIR, name);

  it("warns, and passes, a stage without a per-IP limit by default", async () => {
    const run = await runCheckOfTypedFixture("--program", fixture("good-token-authorizer"));
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      "[advisory]  apigateway-stages-have-per-ip-rate-limit  (aws:apigateway/stage:Stage: prod)",
    );
  }, 120_000);

  it("refuses it when the pack config makes the policy mandatory", async () => {
    const run = await runCheckOfTypedFixture(
      "--program",
      fixture("bad-per-ip-count-only"),
      "--policy-pack-config",
      mandatory,
      "--format",
      "json",
    );
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as {
      violations: Array<{ policy: string; enforcementLevel: string; message: string }>;
    };
    expect(report.violations).toContainEqual(
      expect.objectContaining({
        policy: "apigateway-stages-have-per-ip-rate-limit",
        enforcementLevel: "mandatory",
        message: expect.stringMatching(NO_IP_RULE),
      }),
    );
  }, 120_000);

  it("passes a stage with a per-IP limit even when the policy is mandatory", async () => {
    const run = await runCheckOfTypedFixture(
      "--program",
      fixture("good-per-ip-rate-limit"),
      "--policy-pack-config",
      mandatory,
    );
    expect(run.stdout).not.toContain("apigateway-stages-have-per-ip-rate-limit");
    expect(run.status).toBe(0);
  }, 120_000);
});
