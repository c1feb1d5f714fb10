// Fixture programs that bring their own dependencies keep a package.json and a lock file in the
// repository, not their node_modules: this installs them, once per lock file, from the lock.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export function ensureInstalled(dir: string): void {
  const lockHash = createHash("sha256")
    .update(readFileSync(join(dir, "package-lock.json")))
    .digest("hex");
  const stamp = join(dir, "node_modules", ".installed-from-lock");
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === lockHash) return;
  // Install scripts stay off: they would fetch provider plugins, which nothing here runs.
  execFileSync("npm", ["ci", "--ignore-scripts", "--no-audit", "--no-fund"], {
    cwd: dir,
    stdio: "pipe",
    timeout: 300_000,
  });
  writeFileSync(stamp, lockHash);
}
