// The check's own processes (the policy pack's), so that none outlives it, whatever way it ends:
// each runs in its own process group, killed as a whole on exit. The program's process is
// started and ended by containment.ts instead.
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";

const running = new Set<ChildProcess>();
let killOnExit = false;

/** `spawn`, in a new process group that `killGroup` and the check's exit take down as a whole. */
export function spawnTracked(command: string, args: string[], options: SpawnOptions): ChildProcess {
  if (!killOnExit) {
    process.on("exit", killAllChildren);
    killOnExit = true;
  }
  const child = spawn(command, args, { ...options, detached: true });
  running.add(child);
  child.once("exit", () => running.delete(child));
  return child;
}

export function killGroup(child: ChildProcess): void {
  running.delete(child);
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

/** Synchronous, so it also works from an `exit` handler. */
export function killAllChildren(): void {
  for (const child of [...running]) killGroup(child);
}
