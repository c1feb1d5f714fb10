// Where the pack's TypeScript, compiled (and type-checked) by the ts-node that run-policy-pack
// registers, is kept between checks. ts-node's default, $TMPDIR/ts-node-<hash>, is a name anyone
// can guess: another user may create it first and fill it, or a program run uncontained may
// rewrite it, and the pack would then run that code instead of its own. The check's own folder in
// the user's cache home is out of reach of the programs it contains (read-only to them) and of
// other users; a folder that is not the user's alone is not used, and the pack compiles afresh.
import { lstatSync, mkdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export function packCompileCache(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const cacheHome = env.XDG_CACHE_HOME || join(homedir(), ".cache");
  const dir = join(cacheHome, "mailer-api-policy-check");
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = lstatSync(dir);
    const ours = stat.isDirectory() && stat.uid === process.getuid?.();
    return ours && (stat.mode & 0o077) === 0 ? join(dir, "pack-ts-node") : undefined;
  } catch {
    return undefined;
  }
}
