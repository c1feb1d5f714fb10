// The Lambda-like container: its own environment, errors as Lambda reports them, a timeout that
// discards the container, and a fresh container after a crash.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  LambdaInvokeError,
  startLambda,
  type LambdaContainer,
} from "../../tools/local-gateway/lambda-container";

const HANDLER = `
let calls = 0;
exports.handler = async (event) => {
  calls += 1;
  if (event.action === "env") return { fromEnv: process.env.GREETING ?? null, parent: process.env.PARENT_ONLY ?? null };
  if (event.action === "count") return { calls };
  if (event.action === "throw") throw new Error("Unauthorized");
  if (event.action === "sleep") return new Promise((resolve) => setTimeout(resolve, 5000));
  if (event.action === "crash") process.exit(3);
  if (event.action === "log") { console.log("hello from the handler"); return null; }
  return { echo: event };
};
`;

let dir: string;
let container: LambdaContainer;
const logs: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "lambda-container-"));
  writeFileSync(join(dir, "index.js"), HANDLER);
  process.env.PARENT_ONLY = "leak";
  container = await startLambda({
    name: "fake",
    file: join(dir, "index.js"),
    env: { GREETING: "hi" },
    timeoutSeconds: 0.5,
    log: (line) => logs.push(line),
  });
});

afterAll(async () => {
  delete process.env.PARENT_ONLY;
  await container?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it("gives the handler its own environment only", async () => {
  await expect(container.invoke({ action: "env" })).resolves.toEqual({
    fromEnv: "hi",
    parent: null,
  });
});

it("reports a thrown error by type and message", async () => {
  const failure = container.invoke({ action: "throw" });
  await expect(failure).rejects.toBeInstanceOf(LambdaInvokeError);
  await expect(failure).rejects.toMatchObject({ errorType: "Error", errorMessage: "Unauthorized" });
});

it("forwards the handler's log lines", async () => {
  await container.invoke({ action: "log" });
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(logs).toContain("hello from the handler");
});

it("times out, then serves the next invoke from a fresh container", async () => {
  expect(await container.invoke({ action: "count" })).toEqual({ calls: expect.any(Number) });
  await expect(container.invoke({ action: "sleep" })).rejects.toMatchObject({
    errorType: "Sandbox.Timedout",
  });
  await expect(container.invoke({ action: "count" })).resolves.toEqual({ calls: 1 });
});

it("replaces a crashed container", async () => {
  await expect(container.invoke({ action: "crash" })).rejects.toMatchObject({
    errorType: "Runtime.ExitError",
  });
  await expect(container.invoke({ action: "count" })).resolves.toEqual({ calls: 1 });
});

it("refuses a bundle with no handler", async () => {
  const bad = join(dir, "bad.js");
  writeFileSync(bad, "exports.other = 1;");
  await expect(
    startLambda({ name: "bad", file: bad, env: {}, timeoutSeconds: 1, log: () => undefined }),
  ).rejects.toThrow(/no handler function/);
});
