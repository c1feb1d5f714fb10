// Containment without root: as an ordinary user the program runs in a user namespace, where the
// kernel allows one (most Linux desktops), with the same guarantees as under root; where it does
// not, the check says the program ran uncontained. This suite runs as root and drops to "nobody",
// running a bundled copy of the harness with a copy of node from a folder anyone can read, since
// the checkout itself may be private (a clone in a 0700 temp folder).
import { execFile, spawnSync } from "node:child_process";
import { createServer, type Server } from "node:net";
import { promisify } from "node:util";
import { buildSync } from "esbuild";
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_DIR } from "../harness/pulumi";

const NOBODY = "65534";
const asNobody = ["--reuid", NOBODY, "--regid", NOBODY, "--clear-groups"];
const workDir = mkdtempSync(join(tmpdir(), "policy-check-nobody-"));
chmodSync(workDir, 0o777);
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const runtime = join(workDir, "runtime");
const node = join(runtime, "node");
const harness = join(runtime, "contained-shell.js");
beforeAll(() => {
  buildSync({
    entryPoints: [join(PROJECT_DIR, "tests/harness/contained-shell.ts")],
    outfile: harness,
    bundle: true,
    platform: "node",
    format: "cjs",
    logLevel: "silent",
  });
  copyFileSync(process.execPath, node);
  chmodSync(node, 0o755);
  chmodSync(runtime, 0o755);
});

/** Whether this kernel lets an unprivileged user make the namespaces the sandbox needs. */
const userNamespaces =
  spawnSync("setpriv", [...asNobody, "unshare", "--user", "--map-root-user", "--mount", "true"])
    .status === 0;

interface Outcome {
  contained: boolean;
  why?: string;
  code: number | null;
  out: string;
}

async function runAsNobody(script: string, copyOnWrite?: string): Promise<Outcome> {
  const home = mkdtempSync(join(workDir, "home-"));
  chmodSync(home, 0o777);
  const { stdout } = await promisify(execFile)(
    "setpriv",
    [
      ...asNobody,
      "env",
      `HOME=${home}`,
      `TMPDIR=${home}`,
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      node,
      harness,
      script,
      ...(copyOnWrite ? [copyOnWrite] : []),
    ],
    { cwd: workDir, timeout: 60_000 },
  );
  return JSON.parse(stdout) as Outcome;
}

if (userNamespaces) {
  describe("where user namespaces are allowed", () => {
    it("runs the program contained, unable to write outside its temp folder or gain a capability", async () => {
      const target = join(workDir, "outside");
      const outcome = await runAsNobody(
        `echo x > ${target}; mount -o remount,rw / 2>/dev/null && echo remounted; grep CapEff /proc/self/status; touch "$TMPDIR/mine" && echo wrote`,
      );
      expect(outcome).toMatchObject({ contained: true });
      expect(existsSync(target)).toBe(false);
      expect(outcome.out).toMatch(/Read-only file system/);
      expect(outcome.out).not.toMatch(/remounted/);
      expect(outcome.out).toMatch(/CapEff:\s+0000000000000000/);
      expect(outcome.out).toMatch(/wrote/);
    });

    it("keeps writes to the program's own folder in a copy that vanishes", async () => {
      // The program's folder is the user's own, as when they check their own checkout.
      const own = mkdtempSync(join(workDir, "program-"));
      writeFileSync(join(own, "index.ts"), "original");
      chownSync(own, Number(NOBODY), Number(NOBODY));
      chownSync(join(own, "index.ts"), Number(NOBODY), Number(NOBODY));
      const outcome = await runAsNobody(
        `echo changed > ${own}/index.ts && cat ${own}/index.ts`,
        own,
      );
      expect(outcome).toMatchObject({ contained: true, out: "changed\n" });
      expect(readFileSync(join(own, "index.ts"), "utf8")).toBe("original");
    });

    it("reaches no network, not even the check's own ports", async () => {
      const server: Server = createServer((socket) => socket.end("hello\n"));
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const { port } = server.address() as { port: number };
      try {
        const outcome = await runAsNobody(
          `${node} -e 'require("net").connect(${port}, "127.0.0.1").on("data", (d) => process.stdout.write(d)).on("error", (e) => console.log(e.code))'`,
        );
        expect(outcome.contained).toBe(true);
        expect(outcome.out.trim()).toMatch(/^E(NETUNREACH|CONNREFUSED)$/);
      } finally {
        server.close();
      }
    });
  });
} else {
  describe("where user namespaces are not allowed", () => {
    it("says why the program ran uncontained", async () => {
      const outcome = await runAsNobody("true");
      expect(outcome.contained).toBe(false);
      expect(outcome.why).toMatch(/namespaces could not be set up without root/);
    });
  });
}
