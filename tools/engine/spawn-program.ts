// The one way the engine starts a program's process: contained (policy-check/containment.ts) where
// the system allows it, with an allow-listed environment, a private temp folder and every
// descendant ended before anything is reported. The engine relies only on this shape.
import type { ChildProcess } from "node:child_process";
import { spawnContained } from "../policy-check/containment";

export interface SpawnOptions {
  cwd: string;
  /** What the engine sets for the program (config, runtime options); nothing of the check's own. */
  env: Record<string, string>;
  /** A private folder of this run (the engine's socket lives there). */
  scratchDir: string;
  /** More names of the check's environment to hand over (`--pass-env`). */
  passEnv: readonly string[];
  allowNetwork: boolean;
  /**
   * False for a program this project trusts (its own, run by the local stack and the tests): no
   * sandbox, its writes land; the environment allow-list and the ending of every process stay.
   */
  contained: boolean;
  /** Folders the program may write as under `pulumi preview` (its own package folder). */
  copyOnWriteDirs: readonly string[];
}

export interface SpawnedProgram {
  child: ChildProcess;
  contained: boolean;
  whyUncontained?: string;
  /** Ends the program and every process it started. */
  endAll(): void;
}

export function spawnProgram(
  command: string,
  args: string[],
  options: SpawnOptions,
): SpawnedProgram {
  const run = spawnContained(command, args, {
    cwd: options.cwd,
    env: options.env,
    passEnv: options.passEnv,
    allowNetwork: options.allowNetwork,
    sandbox: options.contained,
    writableDirs: [options.scratchDir],
    copyOnWriteDirs: options.copyOnWriteDirs,
    // No IPC channel: the program has nothing to say to the check but what it registers.
    stdio: ["ignore", "ignore", "pipe"],
  });
  return {
    child: run.child,
    contained: run.contained,
    ...(run.whyUncontained ? { whyUncontained: run.whyUncontained } : {}),
    endAll: () => run.endAll(),
  };
}
