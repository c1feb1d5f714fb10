// Starts a program's process contained (see sandbox.ts) where the system allows it, with an
// allow-listed environment (program-environment.ts) and a fresh private temp folder either way,
// and ends every process it started, however it detached itself, before the check reports.
import { spawn, type ChildProcess, type StdioOptions } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { programEnvironment } from "./program-environment";
import { sandboxSupport, sandboxed } from "./sandbox";

/** The variable every process of one contained run carries: visible in /proc, kept by setsid. */
export const RUN_MARKER = "MAILER_POLICY_CHECK_RUN";

export interface ContainOptions {
  cwd: string;
  /** What the engine sets for the program (its addresses, its options). */
  env: Record<string, string>;
  /** More names of the check's environment to hand over (`--pass-env`). */
  passEnv: readonly string[];
  allowNetwork: boolean;
  /** False: no sandbox (a trusted program), the rest as contained. True unless set. */
  sandbox?: boolean;
  /** Folders the program may write besides its temp folder. */
  writableDirs: readonly string[];
  /**
   * Folders the program may write as under `pulumi preview` (a build into its own folder), when
   * contained on a copy of its own: the writes vanish when it ends. Uncontained, they are real.
   */
  copyOnWriteDirs?: readonly string[];
  stdio?: StdioOptions;
}

export interface ContainedProcess {
  child: ChildProcess;
  contained: boolean;
  /** Why the program runs uncontained, as the report prints it after "the program ran uncontained: ". */
  whyUncontained?: string;
  /** The program's own temp folder (TMPDIR, TEMP, TMP), removed by endAll. */
  tempDir: string;
  /** Ends every process of the run and removes its temp folder; synchronous, idempotent. */
  endAll(): void;
}

const live = new Set<ContainedProcess>();
let endOnExit = false;

export function spawnContained(
  command: string,
  args: readonly string[],
  options: ContainOptions,
): ContainedProcess {
  if (!endOnExit) {
    process.on("exit", () => {
      for (const run of [...live]) run.endAll();
    });
    endOnExit = true;
  }
  const marker = randomUUID();
  const tempDir = mkdtempSync(join(tmpdir(), "policy-check-program-"));
  const env = {
    ...programEnvironment(process.env, options.passEnv, options.env),
    TMPDIR: tempDir,
    TEMP: tempDir,
    TMP: tempDir,
    [RUN_MARKER]: marker,
  };
  const support = options.sandbox === false ? { trusted: true } : sandboxSupport();
  const contained = "unshare" in support;
  const [file, ...fileArgs] = contained
    ? sandboxed(
        support.unshare,
        {
          tempDir,
          writableDirs: options.writableDirs,
          copyOnWriteDirs: options.copyOnWriteDirs ?? [],
          allowNetwork: options.allowNetwork,
        },
        command,
        args,
      )
    : [command, ...args];
  const child = spawn(file, fileArgs, {
    cwd: options.cwd,
    env,
    stdio: options.stdio ?? ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let ended = false;
  const run: ContainedProcess = {
    child,
    contained,
    ...("why" in support ? { whyUncontained: support.why } : {}),
    tempDir,
    endAll() {
      if (ended) return;
      ended = true;
      live.delete(run);
      const namespace = contained ? pidNamespaceOf(child.pid) : undefined;
      if (child.pid !== undefined) signal(-child.pid);
      endEvery(
        (pid) => carries(pid, marker) || (namespace !== undefined && inNamespace(pid, namespace)),
      );
      rmSync(tempDir, { recursive: true, force: true });
    },
  };
  live.add(run);
  return run;
}

/** Kills every process that matches until none is left (zombies have no environment). */
function endEvery(matches: (pid: number) => boolean): void {
  for (let round = 0; round < 100; round += 1) {
    const found = processIds().filter((pid) => pid !== process.pid && matches(pid));
    if (found.length === 0) return;
    for (const pid of found) signal(pid);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  }
}

function processIds(): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number);
}

function carries(pid: number, marker: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, "latin1").includes(`${RUN_MARKER}=${marker}\0`);
  } catch {
    return false;
  }
}

/** The PID namespace of `unshare`'s child: every process the program started lives in it. */
function pidNamespaceOf(unsharePid: number | undefined): string | undefined {
  if (unsharePid === undefined) return undefined;
  try {
    const children = readFileSync(`/proc/${unsharePid}/task/${unsharePid}/children`, "utf8");
    const first = children.trim().split(/\s+/)[0];
    if (!first) return undefined;
    const namespace = readlinkSync(`/proc/${first}/ns/pid`);
    return namespace === readlinkSync("/proc/self/ns/pid") ? undefined : namespace;
  } catch {
    return undefined;
  }
}

function inNamespace(pid: number, namespace: string): boolean {
  try {
    return readlinkSync(`/proc/${pid}/ns/pid`) === namespace;
  } catch {
    return false;
  }
}

function signal(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}
