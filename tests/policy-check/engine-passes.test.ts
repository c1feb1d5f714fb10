// The check judges what a program registers, as Pulumi's engine does (issue 15): resources
// registered late (timers, un-exported async mains, beforeExit), resources made inside `apply`
// (seen by the update pass), and nothing the program says for itself.
import { join } from "node:path";
import { FIXTURES_DIR } from "../harness/policy";
import { runCheck, type JsonReport } from "../harness/policy-check-process";

const fixture = (name: string) => join(FIXTURES_DIR, name);
const OPEN_METHOD = "apigateway-methods-require-authorizer";
// Generous: each check runs the program twice and the pack on a shared, busy machine.
const WAIT = ["--timeout", "150"];
const JEST_WAIT = 200_000;

function report(stdout: string): JsonReport {
  return JSON.parse(stdout) as JsonReport;
}

describe("resources a program registers after its module has loaded are judged", () => {
  it.each([
    ["from a setTimeout", "late-timeout-open-method"],
    ["from an un-exported async main() that awaits file I/O", "late-async-main-open-method"],
    ["from a beforeExit handler", "late-before-exit-open-method"],
  ])(
    "an open method declared %s is refused",
    async (_label, name) => {
      const run = await runCheck("--program", fixture(name), "--format", "json", ...WAIT);
      expect(run.stderr).toBe("");
      const found = report(run.stdout);
      expect(found.passed).toBe(false);
      expect(found.violations.map((violation) => violation.policy)).toContain(OPEN_METHOD);
      expect(run.status).toBe(1);
    },
    JEST_WAIT,
  );
});

describe("a program cannot give its own verdict", () => {
  it(
    "an open method is refused though the program reports 'done, nothing registered' over IPC and a clean report on stdout",
    async () => {
      const run = await runCheck(
        "--program",
        fixture("self-verdict-open-method"),
        "--format",
        "json",
      );
      const found = report(run.stdout);
      expect(found.passed).toBe(false);
      expect(found.violations.map((violation) => violation.policy)).toContain(OPEN_METHOD);
      expect(run.status).toBe(1);
    },
    JEST_WAIT,
  );
});

describe("the update pass", () => {
  it(
    "refuses a public function URL made inside apply, and says only the update pass saw it",
    async () => {
      const run = await runCheck("--program", fixture("apply-function-url-open"), ...WAIT);
      expect(run.stdout).toMatch(
        /\[mandatory\]\s+lambda-function-urls-require-auth\s+\(aws:lambda\/functionUrl:FunctionUrl: url\)/,
      );
      expect(run.stdout).toMatch(
        /Registered only by the update pass \(2;[^\n]*\n\s+urn:pulumi:prod::apply-function-url-open::aws:lambda\/functionUrl:FunctionUrl::url\n/,
      );
      expect(run.status).toBe(1);
    },
    JEST_WAIT,
  );

  it(
    "is the pass that sees it: a preview alone does not",
    async () => {
      const run = await runCheck(
        "--program",
        fixture("apply-function-url-open"),
        "--mode",
        "preview",
      );
      expect(run.stdout).not.toContain("FunctionUrl: url");
      expect(run.stdout).not.toContain("Registered only by the update pass");
      expect(run.status).toBe(0);
    },
    JEST_WAIT,
  );
});

describe("a program is finished when its process exits", () => {
  it(
    "a live setInterval times out with the usual one line, exit 2",
    async () => {
      const run = await runCheck("--program", fixture("live-interval"), "--timeout", "20");
      expect(run.stdout).toBe("");
      expect(run.stderr.trim().split("\n")).toEqual([
        "Policy check could not run: the program did not finish within 20 s (a promise that never settles?); raise the limit with --timeout",
      ]);
      expect(run.status).toBe(2);
    },
    JEST_WAIT,
  );
});
