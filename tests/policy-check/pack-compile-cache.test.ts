// The pack's compile cache is used only in a folder that is the user's alone.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packCompileCache } from "../../tools/policy-check/pack-compile-cache";

const home = mkdtempSync(join(tmpdir(), "pack-cache-home-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));

it("makes its folder in the user's cache home, private", () => {
  const cacheHome = join(home, "fresh");
  expect(packCompileCache({ XDG_CACHE_HOME: cacheHome })).toBe(
    join(cacheHome, "mailer-api-policy-check", "pack-ts-node"),
  );
  expect(statSync(join(cacheHome, "mailer-api-policy-check")).mode & 0o777).toBe(0o700);
});

it("uses no cache in a folder others may write", () => {
  const cacheHome = join(home, "shared");
  mkdirSync(join(cacheHome, "mailer-api-policy-check"), { recursive: true });
  chmodSync(join(cacheHome, "mailer-api-policy-check"), 0o777);
  expect(packCompileCache({ XDG_CACHE_HOME: cacheHome })).toBeUndefined();
});

it("uses no cache through a symbolic link someone else planted", () => {
  const cacheHome = join(home, "linked");
  mkdirSync(cacheHome);
  mkdirSync(join(home, "elsewhere"), { mode: 0o700 });
  symlinkSync(join(home, "elsewhere"), join(cacheHome, "mailer-api-policy-check"));
  expect(packCompileCache({ XDG_CACHE_HOME: cacheHome })).toBeUndefined();
});
