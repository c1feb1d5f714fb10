// spawnContained on its own, with plain shell programs: what a contained program can and cannot
// do. This suite runs as root (here and in CI), where the program always runs contained.
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnContained, type ContainedProcess } from "../../tools/policy-check/containment";
import { PROJECT_DIR } from "../harness/pulumi";

const workDir = mkdtempSync(join(tmpdir(), "policy-check-sandbox-"));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

function run(
  script: string,
  options: { allowNetwork?: boolean; copyOnWriteDirs?: string[] } = {},
): { started: ContainedProcess; done: Promise<{ code: number | null; out: string }> } {
  const started = spawnContained("sh", ["-c", script], {
    cwd: workDir,
    env: {},
    passEnv: [],
    allowNetwork: options.allowNetwork ?? false,
    writableDirs: [],
    copyOnWriteDirs: options.copyOnWriteDirs ?? [],
  });
  let out = "";
  started.child.stdout?.on("data", (chunk: Buffer) => (out += chunk.toString()));
  started.child.stderr?.on("data", (chunk: Buffer) => (out += chunk.toString()));
  const done = new Promise<{ code: number | null; out: string }>((resolve) =>
    started.child.once("close", (code) => resolve({ code, out })),
  );
  return { started, done };
}

const commandsWith = (text: string) =>
  readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(text);
      } catch {
        return false;
      }
    });

it("runs contained, in a fresh private temp folder removed at the end", async () => {
  const { started, done } = run('echo "$TMPDIR" && touch "$TMPDIR/mine" && echo wrote');
  expect(started.contained).toBe(true);
  expect((await done).out).toBe(`${started.tempDir}\nwrote\n`);
  started.endAll();
  expect(existsSync(started.tempDir)).toBe(false);
});

it("cannot write outside its temp folder, nor remount, nor raise a capability", async () => {
  const target = join(workDir, "outside");
  const { started, done } = run(
    `echo x > ${target}; mount -o remount,rw / 2>/dev/null && echo remounted; grep CapEff /proc/self/status`,
  );
  const { out } = await done;
  started.endAll();
  expect(existsSync(target)).toBe(false);
  expect(out).toMatch(/Read-only file system/);
  expect(out).not.toMatch(/remounted/);
  expect(out).toMatch(/CapEff:\s+0000000000000000/);
});

it("writes into a copy-on-write folder vanish with the program", async () => {
  const own = mkdtempSync(join(workDir, "program-"));
  writeFileSync(join(own, "index.ts"), "original");
  const { started, done } = run(`echo changed > ${own}/index.ts && cat ${own}/index.ts`, {
    copyOnWriteDirs: [own],
  });
  expect((await done).out).toBe("changed\n");
  started.endAll();
  expect(readFileSync(join(own, "index.ts"), "utf8")).toBe("original");
});

it("reaches no network unless allowed, not even the check's own ports", async () => {
  const server: Server = createServer((socket) => socket.end("hello\n"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  const probe = `node -e 'require("net").connect(${port}, "127.0.0.1").on("data", (d) => process.stdout.write(d)).on("error", (e) => console.log(e.code))'`;
  try {
    const closed = run(probe);
    expect((await closed.done).out.trim()).toMatch(/^E(NETUNREACH|CONNREFUSED)$/);
    closed.started.endAll();
    const open = run(probe, { allowNetwork: true });
    expect((await open.done).out).toBe("hello\n");
    open.started.endAll();
  } finally {
    server.close();
  }
});

it("ends a grandchild that left its session and cleared its environment", async () => {
  const mark = `${Math.floor(Math.random() * 1000)}.${randomUUID().replace(/\D/g, "").slice(0, 8)}`;
  const { started, done } = run(`setsid env -i sleep ${mark} & exec sleep 300`);
  // While the program runs, so does its grandchild, with no marker in its environment.
  for (let wait = 0; commandsWith(`sleep\0${mark}`).length === 0; wait += 1) {
    if (wait > 100) throw new Error("the grandchild never started");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  started.endAll();
  expect(commandsWith(`sleep\0${mark}`)).toEqual([]);
  await done;
});

it("ends the program when the check itself is killed outright (no exit handler runs)", async () => {
  const mark = `${Math.floor(Math.random() * 1000)}.${randomUUID().replace(/\D/g, "").slice(0, 8)}`;
  const check = execFile(process.execPath, [
    join(PROJECT_DIR, "node_modules/tsx/dist/cli.mjs"),
    join(PROJECT_DIR, "tests/fixtures/contained-sleeper.ts"),
    mark,
  ]);
  const said = await new Promise<string>((resolve) =>
    check.stdout?.once("data", (chunk: Buffer) => resolve(chunk.toString().trim())),
  );
  expect(said).toBe("contained");
  for (let wait = 0; commandsWith(`sleep\0${mark}`).length === 0; wait += 1) {
    if (wait > 200) throw new Error("the program never started");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  // tsx runs the script in a child process: kill that one, the check proper, outright.
  const checkPid = readFileSync(`/proc/${check.pid}/task/${check.pid}/children`, "utf8").trim();
  process.kill(Number(checkPid.split(/\s+/)[0]), "SIGKILL");
  for (let wait = 0; commandsWith(`sleep\0${mark}`).length > 0 && wait < 200; wait += 1) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(commandsWith(`sleep\0${mark}`)).toEqual([]);
  check.kill("SIGKILL");
}, 60_000);
