// A program under check is hostile until shown otherwise: it gets no credential, cannot leave a
// process behind to rewrite the report, and cannot change what the next check runs.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FIXTURES_DIR } from "../harness/policy";
import {
  leftBehind,
  runCheck,
  startCheckWith,
  type JsonReport,
} from "../harness/policy-check-process";
import { PROJECT_DIR } from "../harness/pulumi";

const FAKE_SECRETS = {
  AWS_ACCESS_KEY_ID: "AKIAFAKEFAKEFAKEFAKE",
  AWS_SECRET_ACCESS_KEY: "fake-aws-secret-access-key-0123456789",
  AWS_SESSION_TOKEN: "fake-aws-session-token-0123456789",
  PULUMI_ACCESS_TOKEN: "pul-fake-pulumi-access-token-0123456789",
  GITHUB_TOKEN: "ghs_fakeGitHubToken0123456789",
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: "fake-oidc-request-token-0123456789",
  ACTIONS_ID_TOKEN_REQUEST_URL: "https://token.invalid/fake-oidc-request-url",
};
const workDir = mkdtempSync(join(tmpdir(), "policy-check-containment-"));

beforeAll(() => Object.assign(process.env, FAKE_SECRETS));
afterAll(() => {
  for (const name of Object.keys(FAKE_SECRETS)) delete process.env[name];
  rmSync(workDir, { recursive: true, force: true });
});

describe("a program that writes its environment to a file", () => {
  it("finds no credential or token in it, and its own temp folder", async () => {
    const run = await runCheck(
      "--program",
      join(FIXTURES_DIR, "hostile-environment"),
      "--timeout",
      "180",
    );
    expect(run.status).toBe(2);
    const shown = /the program failed under preview: environment: (\{.*\})$/.exec(
      run.stderr.trim(),
    );
    expect(shown).not.toBeNull();
    const environment = JSON.parse(shown![1]) as Record<string, string>;
    // What it must get: enough to run, and what the check was told to pass (the test's marker).
    expect(environment.PATH).toBe(process.env.PATH);
    expect(environment.POLICY_CHECK_TEST_RUN).toBe(run.marker);
    expect(environment.TMPDIR).not.toBe(tmpdir());
    for (const [name, value] of Object.entries(FAKE_SECRETS)) {
      expect(Object.keys(environment)).not.toContain(name);
      expect(shown![1]).not.toContain(value);
    }
    expect(await leftBehind(run.marker)).toEqual([]);
  }, 240_000);
});

it("refuses to pass a credential on request, with one line and exit 2", async () => {
  const run = await runCheck("--pass-env", "AWS_SECRET_ACCESS_KEY");
  expect(run.status).toBe(2);
  expect(run.stdout).toBe("");
  expect(run.stderr.split("\n")[0]).toBe(
    "--pass-env AWS_SECRET_ACCESS_KEY: cloud credentials and tokens (AWS_*, PULUMI_ACCESS_TOKEN, GITHUB_TOKEN, ACTIONS_*_TOKEN*) never reach the program",
  );
}, 60_000);

describe("a program that leaves a detached grandchild to rewrite the report", () => {
  it("has it ended before the report is written: the report is unchanged 10 s later", async () => {
    const output = join(workDir, "report.json");
    const run = await runCheck(
      "--program",
      join(FIXTURES_DIR, "hostile-detached-grandchild"),
      "--format",
      "json",
      "--output",
      output,
      "--timeout",
      "180",
    );
    expect(run.status).toBe(1);
    const written = readFileSync(output, "utf8");
    const report = JSON.parse(written) as JsonReport & { contained: boolean };
    expect(report.passed).toBe(false);
    expect(report.violations.map((violation) => violation.policy)).toContain(
      "apigateway-methods-require-authorizer",
    );
    expect(await leftBehind(run.marker)).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    expect(readFileSync(output, "utf8")).toBe(written);
    // This suite runs as root (here and in CI), where the program always runs contained.
    expect(report.contained).toBe(true);
  }, 240_000);
});

describe("a program that rewrites the check's code and every cache of it it can reach", () => {
  /** A copy of the check (and what it imports) to attack, so no real checkout is at stake. */
  function copyOfTheCheck(): string {
    const root = join(workDir, "checkout");
    for (const dir of ["tools", "infra", "contracts", "policy-pack"]) {
      cpSync(join(PROJECT_DIR, dir), join(root, dir), { recursive: true });
    }
    for (const file of ["package.json", "tsconfig.json"]) {
      cpSync(join(PROJECT_DIR, file), join(root, file));
    }
    for (const entry of ["api-fixture.ts", "bad-no-authorizer", "hostile-rewrites-check"]) {
      cpSync(join(FIXTURES_DIR, entry), join(root, "tests/fixtures/programs", entry), {
        recursive: true,
      });
    }
    symlinkSync(join(PROJECT_DIR, "node_modules"), join(root, "node_modules"));
    mkdirSync(join(root, "tmp"));
    return root;
  }

  function fingerprint(dir: string): Record<string, string> {
    const found: Record<string, string> = {};
    for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
      if (!entry.isFile()) continue;
      const file = join(entry.parentPath, entry.name);
      found[file] = createHash("sha256").update(readFileSync(file)).digest("hex");
    }
    return found;
  }

  /** `npm run policy` in the copy, with the copy's own temp folder (where tsx caches). */
  function npmRunPolicy(root: string, ...args: string[]): Promise<{ status: number; out: string }> {
    return new Promise((resolve) => {
      execFile(
        "npm",
        ["run", "--silent", "policy", "--", ...args, "--timeout", "180"],
        { cwd: root, timeout: 200_000, env: { ...process.env, TMPDIR: join(root, "tmp") } },
        (error, stdout, stderr) => {
          const status = error ? Number((error as { code?: unknown }).code ?? 99) : 0;
          resolve({ status, out: `${stdout}${stderr}` });
        },
      );
    });
  }

  it("leaves the next check of an open stack refused", async () => {
    const root = copyOfTheCheck();
    const programs = join(root, "tests/fixtures/programs");
    // A first check of an open stack fills every cache there is to attack.
    const first = await npmRunPolicy(root, "--program", join(programs, "bad-no-authorizer"));
    expect(first.out).toMatch(/Policy check FAILED: 2 mandatory violations/);
    const before = fingerprint(join(root, "tools"));
    await npmRunPolicy(root, "--program", join(programs, "hostile-rewrites-check"));
    expect(fingerprint(join(root, "tools"))).toEqual(before);
    const next = await npmRunPolicy(root, "--program", join(programs, "bad-no-authorizer"));
    expect(next.out).toMatch(/Policy check FAILED: 2 mandatory violations/);
    expect(next.status).toBe(1);
  }, 600_000);
});

describe("the pack's compile cache", () => {
  it("is the check's own, never in the temp folder other users and programs share", async () => {
    const sharedTemp = mkdtempSync(join(workDir, "shared-tmp-"));
    const cacheHome = mkdtempSync(join(workDir, "cache-home-"));
    const run = await startCheckWith(
      { TMPDIR: sharedTemp, XDG_CACHE_HOME: cacheHome, PULUMI_NODEJS_TRANSPILE_ONLY: "true" },
      "--program",
      join(FIXTURES_DIR, "bad-no-authorizer"),
    ).done;
    expect(run.stdout).toMatch(/Policy check FAILED: 2 mandatory violations/);
    // ts-node's default cache, /tmp/ts-node-<hash>, has a name anyone can guess and create first.
    expect(readdirSync(sharedTemp).filter((name) => name.startsWith("ts-node"))).toEqual([]);
    const own = join(cacheHome, "mailer-api-policy-check");
    expect(statSync(own).mode & 0o777).toBe(0o700);
    expect(readdirSync(own, { recursive: true }).some((name) => String(name).endsWith(".js"))).toBe(
      true,
    );
  }, 200_000);
});
