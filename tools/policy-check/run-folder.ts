// The check's own temporary files: one fresh folder per run (mode 0700), removed when the check
// exits, so nothing the check runs is read back from a path a program (or an earlier run) wrote.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

let folder: string | undefined;

/** The run's private folder, made on first use. */
export function runFolder(): string {
  if (!folder) {
    folder = mkdtempSync(join(tmpdir(), "mailer-api-policy-check-"));
    process.on("exit", removeRunFolder);
  }
  return folder;
}

/** Synchronous, so it also works from an `exit` handler. */
export function removeRunFolder(): void {
  if (!folder) return;
  rmSync(folder, { recursive: true, force: true });
  folder = undefined;
}
