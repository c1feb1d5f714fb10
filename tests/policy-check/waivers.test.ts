// Waivers end to end: a `--policy-pack-config` with waivers, judged by the real pack (started as
// the engine starts it) on a deployed stack and on a live program, with today fixed at 2026-06-01
// in every process of the check (tests/harness/fixed-clock.js), so no assertion reads the clock.
import { toBeValidSarifLog } from "@microsoft/jest-sarif";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FIXTURES_DIR } from "../harness/policy";
import { runCheck, type CheckRun } from "../harness/policy-check-process";
import { runProdStack } from "../harness/pulumi";
import { stackExportOf, writeJson } from "../harness/stack-export";

expect.extend({ toBeValidSarifLog });
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R> {
      toBeValidSarifLog(): R;
    }
  }
}

const TODAY = "2026-06-01";
process.env.FIXED_CLOCK_DAY = TODAY;
process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ""} --require ${join(__dirname, "../harness/fixed-clock.js")}`;
jest.setTimeout(120_000);

const workDir = mkdtempSync(join(tmpdir(), "waivers-"));
const METHODS = "apigateway-methods-require-authorizer";
const REASON = "GET /status answers a constant; nothing behind it to protect.";
const waiver = (expires: string, resource = "post") => ({
  resource,
  reason: REASON,
  owner: "platform-team@example.com",
  expires,
});
const config = (name: string, value: unknown) => writeJson(workDir, `${name}.json`, value);

type Resource = {
  urn: string;
  type: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
};
let prodFile: string;
let openFile: string;
beforeAll(async () => {
  const prod = stackExportOf(await runProdStack());
  prodFile = writeJson(workDir, "prod.json", prod);
  // The same stack after someone opened its POST in the console and refreshed.
  const opened = structuredClone(prod);
  const post = (opened.deployment.resources as Resource[]).find(
    (r) => r.type === "aws:apigateway/method:Method" && r.urn.endsWith("::post"),
  )!;
  for (const bag of [post.inputs, post.outputs]) {
    bag.authorization = "NONE";
    delete bag.authorizerId;
  }
  openFile = writeJson(workDir, "open.json", opened);
}, 120_000);

interface WaivedJson {
  passed: boolean;
  violations: Array<{
    policy: string;
    enforcementLevel: string;
    message: string;
    waiver?: Record<string, string>;
  }>;
  summary: string;
}

describe("a waiver before its expiry", () => {
  const runs = new Map<string, Promise<CheckRun>>();
  const formats = ["text", "json", "junit", "sarif"];
  beforeAll(async () => {
    // Expires tomorrow: still in force today.
    const file = config("active", { [METHODS]: { waivers: [waiver("2026-06-02")] } });
    for (const format of formats) {
      runs.set(
        format,
        runCheck("--stack-export", openFile, "--policy-pack-config", file, "--format", format),
      );
      await runs.get(format);
    }
  }, 300_000);

  it("does not fail the run, and the text report has a waived line with reason, owner and expiry", async () => {
    const run = await runs.get("text")!;
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`- [waived]  ${METHODS}  (aws:apigateway/method:Method: post)`);
    expect(run.stdout).toContain(
      `Waived until 2026-06-02 by the waiver for "post" (owner: platform-team@example.com; reason: ${REASON}).`,
    );
    expect(run.stdout).toMatch(/Policy check passed: 0 mandatory violations, 1 waived violation, /);
  });

  it("JSON: the violation with its waiver", async () => {
    const report = JSON.parse((await runs.get("json")!).stdout) as WaivedJson;
    expect(report.passed).toBe(true);
    const waived = report.violations.filter((v) => v.waiver);
    expect(waived).toEqual([
      expect.objectContaining({
        policy: METHODS,
        enforcementLevel: "advisory",
        message: expect.stringContaining('has authorization "NONE"'),
        waiver: { ...waiver("2026-06-02"), status: "waived" },
      }),
    ]);
  });

  it("SARIF: a valid log whose result carries an external suppression with the reason", async () => {
    const log = JSON.parse((await runs.get("sarif")!).stdout);
    expect(log).toBeValidSarifLog();
    const results = log.runs[0].results as Array<{ ruleId: string; suppressions?: unknown }>;
    expect(results.filter((result) => result.suppressions)).toEqual([
      expect.objectContaining({
        ruleId: METHODS,
        suppressions: [{ kind: "external", justification: REASON }],
      }),
    ]);
  });

  it("JUnit: a skipped test case with the reason", async () => {
    const xml = (await runs.get("junit")!).stdout;
    expect(xml).toMatch(/<testsuite [^>]*failures="0" errors="0" skipped="1"/);
    expect(xml).toContain(
      `<testcase classname="mailer-api-policies" name="${METHODS} (aws:apigateway/method:Method: post)">`,
    );
    expect(xml).toContain(
      `<skipped message="waived until 2026-06-02 by platform-team@example.com: ${REASON}"/>`,
    );
  });
});

it("from its expiry date on, the violation fails again and says which waiver expired when", async () => {
  const file = config("expired", { [METHODS]: { waivers: [waiver(TODAY)] } });
  const run = await runCheck("--stack-export", openFile, "--policy-pack-config", file);
  expect(run.status).toBe(1);
  expect(run.stdout).toContain(`- [mandatory]  ${METHODS}  (aws:apigateway/method:Method: post)`);
  expect(run.stdout).toContain(
    `The waiver for "post" (owner: platform-team@example.com) expired on ${TODAY}, so this violation counts again.`,
  );
});

it("a waiver that waives nothing is reported as unused (advisory), and the stack still passes", async () => {
  const file = config("unused", {
    [METHODS]: { waivers: [waiver("2026-07-01"), waiver("2026-07-01", "no-such-method")] },
  });
  const run = await runCheck(
    "--stack-export",
    prodFile,
    "--policy-pack-config",
    file,
    "--format",
    "json",
  );
  expect(run.status).toBe(0);
  const report = JSON.parse(run.stdout) as WaivedJson;
  const unused = report.violations.filter((v) => v.waiver?.status === "unused");
  expect(
    unused.map((v) => [v.enforcementLevel, v.waiver?.resource, v.message.split("\n")[0]]),
  ).toEqual([
    [
      "advisory",
      "post",
      expect.stringMatching(/^Unused waiver for "post" .*: post does not violate/),
    ],
    [
      "advisory",
      "no-such-method",
      expect.stringMatching(
        /^Unused waiver for "no-such-method" .*: no resource of this stack is named/,
      ),
    ],
  ]);
});

describe("an invalid waiver stops the check: exit 2, one line naming the policy, the waiver and the field", () => {
  const { owner: _owner, ...withoutOwner } = waiver("2026-07-01");
  const cases: Array<[string, unknown, RegExp]> = [
    [
      "a missing field",
      { [METHODS]: { waivers: [withoutOwner] } },
      /policy "apigateway-methods-require-authorizer".*waiver 1 \(resource "post"\).*'owner'/,
    ],
    [
      "a date that is not a real day",
      { [METHODS]: { waivers: [waiver("2026-02-30")] } },
      /policy "apigateway-methods-require-authorizer".*waiver 1 \(resource "post"\), field "expires"/,
    ],
    [
      "an unknown policy",
      { "no-such-policy": { waivers: [waiver("2026-07-01")] } },
      /invalid waiver: policy "no-such-policy", waiver 1, field "policy"/,
    ],
    [
      "an expiry beyond the default 180 days",
      { [METHODS]: { waivers: [waiver("2026-11-29")] } },
      /invalid waiver: policy "apigateway-methods-require-authorizer", waiver 1 \(resource "post"\), field "expires": 2026-11-29 is more than 180 days away \(maxWaiverDays\); the latest allowed today is 2026-11-28$/,
    ],
    [
      "an expiry beyond the pack's maxWaiverDays",
      { "policy-waivers": { maxWaiverDays: 30 }, [METHODS]: { waivers: [waiver("2026-07-02")] } },
      /field "expires": 2026-07-02 is more than 30 days away/,
    ],
    [
      "a wildcard",
      { [METHODS]: { waivers: [waiver("2026-07-01", "post-*")] } },
      /waiver 1 \(resource "post-\*"\), field "resource"/,
    ],
  ];

  it.each(cases)("%s", async (name, value, line) => {
    const file = config(name.replace(/\W/g, "-"), value);
    const run = await runCheck("--stack-export", prodFile, "--policy-pack-config", file);
    expect(run.status).toBe(2);
    const lines = run.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Policy check could not run: bad policy pack config: /);
    expect(lines[0]).toMatch(line);
  });
});

it("live, as at `pulumi preview`: the program's open method passes with its two waivers, shown as waived", async () => {
  const file = config("live", {
    [METHODS]: { waivers: [waiver("2026-07-01", "post-root")] },
    // This policy blames the API, which declares no authorizer.
    "apigateway-custom-methods-use-stack-authorizer": { waivers: [waiver("2026-07-01", "api")] },
  });
  const run = await runCheck(
    "--program",
    join(FIXTURES_DIR, "bad-no-authorizer"),
    "--policy-pack-config",
    file,
  );
  expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
  expect(run.stdout).toContain(`- [waived]  ${METHODS}  (aws:apigateway/method:Method: post-root)`);
  expect(run.stdout).toContain(
    "- [waived]  apigateway-custom-methods-use-stack-authorizer  (aws:apigateway/restApi:RestApi: api)",
  );
  expect(run.stdout).toMatch(/0 mandatory violations, 2 waived violations/);
});
