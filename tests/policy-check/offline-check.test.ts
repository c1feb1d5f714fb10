// `npm run policy` end to end, as CI runs it: the real program or a fixture under the engine, the real
// pack started as the engine starts it, and the exit status and reports CI acts on.
import { toBeValidSarifLog } from "@microsoft/jest-sarif";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { POLICY_PACK_NAME, policies } from "../../policy-pack/policies";
import { FIXTURES_DIR } from "../harness/policy";
import { PROJECT_DIR } from "../harness/pulumi";
import {
  runCheck,
  runCheckOfTypedFixture,
  type CheckRun,
  type JsonReport,
} from "../harness/policy-check-process";
import { mutantProgram } from "../harness/stack-export";

expect.extend({ toBeValidSarifLog });
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R> {
      toBeValidSarifLog(): R;
    }
  }
}

const workDir = mkdtempSync(join(tmpdir(), "policy-check-"));

const fixture = (name: string) => join(FIXTURES_DIR, name);

describe("the project's own prod stack", () => {
  it("passes with no mandatory violation", async () => {
    const run = await runCheck();
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain(`✅ ${POLICY_PACK_NAME}@v`);
    expect(run.stdout).toMatch(
      /Policy check passed: 0 mandatory violations, 0 advisory warnings; \d+ resources of stack "prod"/,
    );
    expect(run.status).toBe(0);
  }, 120_000);
});

describe("the project's own program with its protection dropped (mutants)", () => {
  it("refuses the program whose POST has no authorizer", async () => {
    const dir = mutantProgram(
      "infra/api.ts",
      'authorization: "CUSTOM",\n    authorizerId: authorizer.id,',
      'authorization: "NONE",',
    );
    const run = await runCheck("--program", dir, "--format", "json");
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.violations.map((v) => `${v.policy} ${v.resource}`)).toContainEqual(
      expect.stringMatching(/^apigateway-methods-require-authorizer .*Method: post$/),
    );
  }, 120_000);

  it("refuses the program whose stage throttle is off", async () => {
    const dir = mutantProgram(
      "infra/stage.ts",
      // -1 is API Gateway's "no limit": the stage is no longer rate limited.
      "throttlingRateLimit: settings.rateLimit,",
      "throttlingRateLimit: -1,",
    );
    const run = await runCheck("--program", dir, "--format", "json");
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(
      report.violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => v.policy),
    ).toContain("apigateway-stages-throttled");
  }, 120_000);
});

describe("small real programs, each judged by the right policy", () => {
  const cases: Array<[string, number, string[]]> = [
    ["good-token-authorizer", 0, []],
    ["good-cognito-authorizer", 0, []],
    [
      "bad-no-authorizer",
      1,
      ["apigateway-methods-require-authorizer", "apigateway-custom-methods-use-stack-authorizer"],
    ],
    ["bad-second-method-open", 1, ["apigateway-methods-require-authorizer"]],
    ["bad-custom-without-authorizer", 1, ["apigateway-custom-methods-use-stack-authorizer"]],
    ["bad-settings-on-wrong-stage", 1, ["apigateway-stages-throttled"]],
    ["bad-settings-one-method-only", 1, ["apigateway-stages-throttled"]],
    ["bad-rate-limit-off", 1, ["apigateway-stages-throttled"]],
    ["bad-no-method-settings", 1, ["apigateway-stages-throttled"]],
    ["bad-limits-above-maximum", 1, ["apigateway-stages-throttled"]],
  ];
  // Two at a time: each run starts a policy pack, and the machine has two cores.
  const results = new Map<string, Promise<CheckRun>>();
  beforeAll(async () => {
    for (let index = 0; index < cases.length; index += 2) {
      const batch = cases.slice(index, index + 2).map(([name]) => {
        const run = runCheckOfTypedFixture("--program", fixture(name), "--format", "json");
        results.set(name, run);
        return run;
      });
      await Promise.all(batch);
    }
  }, 300_000);

  it.each(cases)("%s exits %i, refused by %p", async (name, status, mandatoryPolicies) => {
    const run = await results.get(name)!;
    expect(run.status).toBe(status);
    const report = JSON.parse(run.stdout) as JsonReport;
    const mandatory = report.violations.filter((v) => v.enforcementLevel === "mandatory");
    expect([...new Set(mandatory.map((v) => v.policy))].sort()).toEqual(
      [...mandatoryPolicies].sort(),
    );
    expect(report.passed).toBe(status === 0);
  });
});

describe("enforcement levels from a --policy-pack-config file", () => {
  it("turns a mandatory policy advisory, so the stack passes with a warning", async () => {
    const config = join(workDir, "advisory.json");
    writeFileSync(config, JSON.stringify({ "apigateway-stages-throttled": "advisory" }));
    const run = await runCheckOfTypedFixture(
      "--program",
      fixture("bad-rate-limit-off"),
      "--policy-pack-config",
      config,
    );
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      "[advisory]  apigateway-stages-throttled  (aws:apigateway/stage:Stage: prod)",
    );
  });

  it("applies a policy's config, here a lower maximum rate, as a mandatory violation", async () => {
    const config = join(workDir, "strict.json");
    writeFileSync(
      config,
      JSON.stringify({
        "apigateway-stages-throttled": { maxRateLimit: 5 },
        "apigateway-stages-have-usage-quota": "mandatory",
      }),
    );
    const run = await runCheckOfTypedFixture(
      "--program",
      fixture("good-token-authorizer"),
      "--policy-pack-config",
      config,
    );
    expect(run.status).toBe(1);
    expect(run.stdout).toContain("throttlingRateLimit is 10, above the allowed maximum of 5");
  });

  it("accepts the example config shipped with the pack", async () => {
    const run = await runCheck(
      "--policy-pack-config",
      join(PROJECT_DIR, "policy-pack/policy-config.example.json"),
    );
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
  });
});

describe("when the check cannot run, exit status 2 with a clear message", () => {
  it.each([
    [
      "a program that throws",
      ["--program", fixture("broken-program")],
      /the program failed under preview: this fixture program always fails/,
    ],
    [
      "a folder with no Pulumi.yaml",
      ["--program", workDir],
      /has no Pulumi\.yaml: not a Pulumi program/,
    ],
    ["a stack with no stack file", ["--stack", "staging"], /Pulumi\.staging\.yaml not found/],
    ["a folder that is no policy pack", ["--policy-pack", workDir], /has no PulumiPolicy\.yaml/],
    [
      "an unknown policy in the config",
      ["--policy-pack-config", join(PROJECT_DIR, "package.json")],
      /does not have/,
    ],
    [
      "an invalid policy config value",
      ["--policy-pack-config", "INVALID"],
      /cannot read the policy pack config/,
    ],
    ["an unknown format", ["--format", "yaml"], /unknown format "yaml"/],
  ])("%s", async (_label, args, message) => {
    const run = await runCheck(...args);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("machine-readable reports", () => {
  let reports: Record<"json" | "junit" | "sarif", string>;
  let status: number[];
  beforeAll(async () => {
    const runs = await Promise.all(
      (["json", "junit", "sarif"] as const).map(async (format) => {
        const output = join(workDir, `report.${format}`);
        const run = await runCheckOfTypedFixture(
          "--program",
          fixture("bad-second-method-open"),
          "--format",
          format,
          "--output",
          output,
        );
        return [format, readFileSync(output, "utf8"), run.status] as const;
      }),
    );
    reports = Object.fromEntries(runs.map(([format, text]) => [format, text])) as typeof reports;
    status = runs.map(([, , code]) => code);
  }, 120_000);

  it("keeps the exit status whatever the format", () => {
    expect(status).toEqual([1, 1, 1]);
  });

  it("writes JSON with each violation's policy, level and resource", () => {
    const report = JSON.parse(reports.json) as JsonReport;
    expect(report.violations).toContainEqual(
      expect.objectContaining({
        policy: "apigateway-methods-require-authorizer",
        enforcementLevel: "mandatory",
        resource: "aws:apigateway/method:Method: get-items",
      }),
    );
  });

  it("writes JUnit XML with one test case per policy and a failure for the violated one", () => {
    expect(reports.junit).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>/);
    expect(reports.junit.match(/<testcase /g)).toHaveLength(policies.length);
    expect(reports.junit).toContain(
      `<testcase classname="${POLICY_PACK_NAME}" name="apigateway-methods-require-authorizer">`,
    );
    expect(reports.junit).toMatch(
      /name="apigateway-methods-require-authorizer">\s*<failure type="mandatory" message="Method &quot;get-items&quot; \(GET\) has authorization &quot;NONE&quot;/,
    );
    expect(reports.junit).toContain('failures="1"');
  });

  it("writes SARIF 2.1.0 that validates against the SARIF schema", () => {
    const sarif = JSON.parse(reports.sarif);
    expect(sarif).toBeValidSarifLog();
    const [run] = sarif.runs;
    expect(run.tool.driver.rules).toHaveLength(policies.length);
    expect(run.results).toContainEqual(
      expect.objectContaining({ ruleId: "apigateway-methods-require-authorizer", level: "error" }),
    );
  });
});
