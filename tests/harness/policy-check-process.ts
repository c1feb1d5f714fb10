// Runs `npm run policy` as CI does and finds every process it left behind: each run carries a
// marker in its environment, which every process it starts inherits.
import { execFile, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_DIR } from "./pulumi";

const TSX_CLI = join(PROJECT_DIR, "node_modules/tsx/dist/cli.mjs");
const MARKER_KEY = "POLICY_CHECK_TEST_RUN";

export interface CheckRun {
  status: number;
  stdout: string;
  stderr: string;
  marker: string;
}

/** What `npm run policy -- --format json` prints, as the tests read it. */
export interface JsonReport {
  passed: boolean;
  violations: Array<{
    policy: string;
    enforcementLevel: string;
    resource: string;
    message: string;
  }>;
  summary: string;
}

export interface StartedCheck {
  child: ChildProcess;
  marker: string;
  done: Promise<CheckRun>;
}

export function startCheck(...args: string[]): StartedCheck {
  return startCheckWith({}, ...args);
}

/** The check with more of the environment (the program sees only what the check hands over). */
export function startCheckWith(extraEnv: Record<string, string>, ...args: string[]): StartedCheck {
  const marker = randomUUID();
  let child!: ChildProcess;
  const done = new Promise<CheckRun>((resolve) => {
    child = execFile(
      process.execPath,
      // The program gets the marker too: the check hands it only what it is told to.
      [TSX_CLI, join(PROJECT_DIR, "tools/policy-check.ts"), ...args, "--pass-env", MARKER_KEY],
      {
        cwd: PROJECT_DIR,
        timeout: 180_000,
        env: { ...process.env, ...extraEnv, [MARKER_KEY]: marker },
      },
      (error, stdout, stderr) => {
        const status = error ? Number((error as { code?: unknown }).code ?? 99) : 0;
        resolve({ status, stdout, stderr, marker });
      },
    );
  });
  return { child, marker, done };
}

export function runCheck(...args: string[]): Promise<CheckRun> {
  return startCheck(...args).done;
}

/**
 * The check of a fixture program that `npm test`'s type check already covers (tests/ is in
 * tsconfig.json): the language host's PULUMI_NODEJS_TRANSPILE_ONLY skips the second type check.
 */
export function runCheckOfTypedFixture(...args: string[]): Promise<CheckRun> {
  return startCheckWith({ PULUMI_NODEJS_TRANSPILE_ONLY: "true" }, ...args).done;
}

/** Live processes (zombies excluded) whose environment holds the marker, with their command. */
export function processesWith(marker: string): Array<{ pid: number; command: string }> {
  const found: Array<{ pid: number; command: string }> = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, "utf8");
      if (!environ.includes(`${MARKER_KEY}=${marker}`)) continue;
      const command = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").join(" ");
      found.push({ pid: Number(entry), command: command.trim() });
    } catch {
      // Gone, or not ours to read.
    }
  }
  return found;
}

/** What is still running once the check has ended (a killed process may take a moment to go). */
export async function leftBehind(marker: string): Promise<string[]> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    if (processesWith(marker).length === 0) return [];
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return processesWith(marker).map((process) => `${process.pid} ${process.command}`);
}

export async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
