// The one way the engine starts a program's process. Containment (an allow-listed environment, a
// private temp folder, namespaces, ending every descendant) replaces this body; the engine relies
// only on this shape.
import type { ChildProcess } from "node:child_process";
import { killGroup, spawnTracked } from "../policy-check/child-processes";

export interface SpawnOptions {
  cwd: string;
  env: Record<string, string>;
  /** A private folder of this run (the engine's socket lives there). */
  scratchDir: string;
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
  const child = spawnTracked(command, args, {
    cwd: options.cwd,
    env: options.env,
    // No IPC channel: the program has nothing to say to the check but what it registers.
    stdio: ["ignore", "ignore", "pipe"],
  });
  return {
    child,
    contained: false,
    whyUncontained:
      "containment is not built yet: the program runs as this user, in its process group",
    endAll: () => killGroup(child),
  };
}
