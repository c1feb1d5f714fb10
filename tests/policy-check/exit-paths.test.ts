// Every way `npm run policy` can end: the status CI acts on, one line a user can act on when the
// check cannot run, and no process of the check (the program's, the pack's) left running after.
import { cpSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FIXTURES_DIR } from "../harness/policy";
import { PROJECT_DIR } from "../harness/pulumi";
import {
  leftBehind,
  processesWith,
  runCheck,
  startCheck,
  waitFor,
  type CheckRun,
} from "../harness/policy-check-process";

const fixture = (name: string) => join(FIXTURES_DIR, name);
const workDir = mkdtempSync(join(tmpdir(), "policy-check-exit-"));

/** A copy of a fixture outside the repository, where nothing resolves to the checkout's modules. */
function outsideRepository(name: string): string {
  const dir = join(workDir, name);
  cpSync(fixture(name), dir, { recursive: true });
  return dir;
}

function expectOneLine(run: CheckRun, message: RegExp): void {
  expect(run.status).toBe(2);
  expect(run.stdout).toBe("");
  const lines = run.stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^Policy check could not run: /);
  expect(lines[0]).toMatch(message);
}

describe("a program that cannot run ends in exit 2 with one line and leaves nothing running", () => {
  const missingPulumi = outsideRepository("missing-deps");
  const missingAws = join(workDir, "missing-aws");
  cpSync(fixture("missing-deps"), missingAws, { recursive: true });
  mkdirSync(join(missingAws, "node_modules/@pulumi"), { recursive: true });
  symlinkSync(
    join(PROJECT_DIR, "node_modules/@pulumi/pulumi"),
    join(missingAws, "node_modules/@pulumi/pulumi"),
  );
  // Only the package's manifest: the check reads the version before it loads anything.
  const oldSdk = join(workDir, "sdk-2");
  cpSync(fixture("missing-deps"), oldSdk, { recursive: true });
  mkdirSync(join(oldSdk, "node_modules/@pulumi/pulumi"), { recursive: true });
  writeFileSync(
    join(oldSdk, "node_modules/@pulumi/pulumi/package.json"),
    JSON.stringify({ name: "@pulumi/pulumi", version: "2.25.2" }),
  );
  const badYaml = outsideRepository("broken-program");
  writeFileSync(join(badYaml, "Pulumi.yaml"), "name: broken\nruntime: nodejs\n  main: [index.ts\n");

  it.each([
    [
      "a program that throws",
      [fixture("broken-program")],
      /^.*the program failed under preview: this fixture program always fails$/,
    ],
    [
      "a program that does not compile under its own tsconfig.json",
      [fixture("type-error-program")],
      /the program does not compile: index\.ts\(8,7\): error TS2375: .*exactOptionalPropertyTypes/,
    ],
    [
      "a program that never finishes",
      [fixture("hanging-program"), "--timeout", "3"],
      /the program did not finish within 3 s .*raise the limit with --timeout$/,
    ],
    [
      "a program whose @pulumi/pulumi is not installed",
      [missingPulumi],
      new RegExp(
        `the program needs @pulumi/pulumi, which is not installed; run npm install in ${missingPulumi}$`,
      ),
    ],
    [
      "a program whose @pulumi/aws is not installed",
      [missingAws],
      new RegExp(
        `the program needs @pulumi/aws, which is not installed; run npm install in ${missingAws}$`,
      ),
    ],
    [
      "a program on a @pulumi/pulumi older than 3.x",
      [oldSdk],
      /the program's @pulumi\/pulumi is 2\.25\.2 \(.*\); the check runs programs on 3\.x$/,
    ],
    [
      "a Pulumi.yaml that is not valid YAML",
      [badYaml],
      new RegExp(`${join(badYaml, "Pulumi.yaml")} is not valid YAML: .* at line \\d+, column \\d+`),
    ],
  ])(
    "%s",
    async (_label, [program, ...args], message) => {
      const run = await runCheck("--program", program, ...args);
      expectOneLine(run, message);
      expect(await leftBehind(run.marker)).toEqual([]);
    },
    120_000,
  );
});

describe("a policy pack that never serves", () => {
  it("ends in exit 2 after --timeout, with one line, and its process is stopped", async () => {
    const run = await runCheck(
      "--program",
      fixture("no-resources"),
      "--policy-pack",
      join(FIXTURES_DIR, "../policy-packs/never-serves"),
      "--timeout",
      "8",
    );
    expectOneLine(
      run,
      /the policy pack could not start: it did not start within 8 s; raise the limit with --timeout$/,
    );
    expect(await leftBehind(run.marker)).toEqual([]);
  }, 120_000);
});

describe("a check that runs leaves nothing running either", () => {
  it.each([
    ["passes", "good-token-authorizer", 0],
    ["finds violations", "bad-no-authorizer", 1],
  ])(
    "when it %s",
    async (_label, name, status) => {
      const run = await runCheck("--program", fixture(name), "--format", "json");
      expect(run.status).toBe(status);
      expect(await leftBehind(run.marker)).toEqual([]);
    },
    120_000,
  );
});

describe("an interrupted check stops the program's and the pack's processes", () => {
  it.each(["SIGTERM", "SIGINT"] as const)(
    "on %s",
    async (signal) => {
      const check = startCheck("--program", fixture("hanging-program"), "--timeout", "120");
      // Interrupt once both children run: the program (waiting forever; started by its SDK's
      // cmd/run, talking to the check's engine over a Unix socket) and the pack.
      await waitFor(() => {
        const commands = processesWith(check.marker).map((process) => process.command);
        return (
          commands.some((command) => /\/cmd\/run --monitor unix:\//.test(command)) &&
          commands.some((command) => command.includes("run-policy-pack"))
        );
      }, 60_000);
      check.child.kill(signal);
      const run = await check.done;
      expectOneLine(run, new RegExp(`interrupted by ${signal}$`));
      expect(await leftBehind(check.marker)).toEqual([]);
    },
    120_000,
  );
});
