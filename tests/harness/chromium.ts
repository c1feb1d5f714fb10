// Which Chromium the browser tests drive: Debian's at /usr/bin/chromium when it is installed,
// otherwise the build shipped inside the npm package @sparticuz/chromium, so `npm ci && npm test`
// needs nothing outside npm; and launching it through playwright-core.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { chromium, type Browser } from "playwright-core";
import { PROJECT_ROOT } from "../../infra/bundle";

export const SYSTEM_CHROMIUM = "/usr/bin/chromium";

export interface ChromiumLaunch {
  source: "system" | "@sparticuz/chromium";
  executablePath: string;
  args: string[];
  /** Environment for the browser process (fontconfig when the machine has none). */
  env: Record<string, string>;
}

/** Flags for a closed network: no background connections for the sandbox to refuse. */
const CLOSED_NETWORK_FLAGS = [
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

// The package's serverless flags also switch off what the tests check (CORS is enforced by the
// same-origin policy); --single-process (for Lambda's sandbox) ends the browser when a second
// page closes; Playwright sets the headless mode itself.
const DROPPED_PACKAGE_FLAGS = [
  /^--single-process$/,
  /^--disable-web-security$/,
  /^--allow-running-insecure-content$/,
  /^--disable-site-isolation-trials$/,
  /^--headless/,
];

const UNPACK_SCRIPT = `
import chromium from "@sparticuz/chromium";
const executablePath = await chromium.executablePath();
process.stdout.write(JSON.stringify({ executablePath, args: chromium.args }));
`;

function packageVersion(): string {
  // The package's exports hide its package.json from require.resolve.
  const manifest = join(PROJECT_ROOT, "node_modules", "@sparticuz", "chromium", "package.json");
  return (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
}

/**
 * Unpacks the package's Chromium once per version into the system temp folder. The package
 * unpacks into `os.tmpdir()`, trusting any file already there; so it unpacks into a private
 * staging folder and the folder is renamed into place whole: parallel test files and an
 * interrupted unpack never leave a half-written browser behind.
 */
async function unpackPackagedChromium(): Promise<{ executablePath: string; args: string[] }> {
  const home = join(tmpdir(), `mailer-api-chromium-${packageVersion()}`);
  const manifest = join(home, "launch.json");
  if (!existsSync(manifest)) {
    const staging = mkdtempSync(join(tmpdir(), "mailer-api-chromium-staging-"));
    try {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ["--input-type=module", "-e", UNPACK_SCRIPT],
        { cwd: __dirname, env: { ...process.env, TMPDIR: staging }, maxBuffer: 1 << 20 },
      );
      const unpacked = JSON.parse(stdout) as { executablePath: string; args: string[] };
      const relative = unpacked.executablePath.slice(staging.length + 1);
      writeFileSync(join(staging, "launch.json"), JSON.stringify({ ...unpacked, relative }));
      renameSync(staging, home);
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      // Another test file renamed its copy into place first: use that one.
      if (!existsSync(manifest)) throw error;
    }
  }
  const { args, relative } = JSON.parse(readFileSync(manifest, "utf8")) as {
    args: string[];
    relative: string;
  };
  return { executablePath: join(home, relative), args };
}

/** A fontconfig file naming the package's fonts, for a machine without /etc/fonts. */
function packagedFontsEnv(executablePath: string): Record<string, string> {
  if (existsSync("/etc/fonts/fonts.conf")) return {};
  const home = join(executablePath, "..");
  const file = join(home, "fonts-local.conf");
  if (!existsSync(file)) {
    writeFileSync(
      file,
      `<?xml version="1.0"?>\n<fontconfig><dir>${join(home, "fonts")}</dir>` +
        `<cachedir>${join(home, "fonts-cache")}</cachedir></fontconfig>\n`,
    );
  }
  return { FONTCONFIG_FILE: file };
}

/** The Chromium to launch; `systemPath` is a parameter so a test can hide Debian's. */
export async function resolveChromium(systemPath = SYSTEM_CHROMIUM): Promise<ChromiumLaunch> {
  if (existsSync(systemPath)) {
    return {
      source: "system",
      executablePath: systemPath,
      args: ["--headless", "--no-sandbox", "--disable-gpu", ...CLOSED_NETWORK_FLAGS],
      env: {},
    };
  }
  const packaged = await unpackPackagedChromium();
  const args = packaged.args.filter((flag) => !DROPPED_PACKAGE_FLAGS.some((re) => re.test(flag)));
  return {
    source: "@sparticuz/chromium",
    executablePath: packaged.executablePath,
    args: [...args, ...CLOSED_NETWORK_FLAGS],
    env: packagedFontsEnv(packaged.executablePath),
  };
}

/**
 * Chromium headless through playwright-core (which downloads no browser of its own): Debian's
 * when installed, otherwise the one inside the npm package @sparticuz/chromium.
 */
export async function launchChromium(): Promise<Browser> {
  const { executablePath, args, env } = await resolveChromium();
  return chromium.launch({ executablePath, args, env: { ...process.env, ...env } });
}
