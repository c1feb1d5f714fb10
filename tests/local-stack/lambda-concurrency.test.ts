// Lambda runs one invocation per execution environment at a time, and never more environments
// than a function's reserved concurrency: over it, the invoke is refused (TooManyRequestsException)
// before the handler runs.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLambda, type LambdaContainer } from "../../tools/local-gateway/lambda-container";

const HANDLER = `
const container = Math.random().toString(36).slice(2);
let busy = false;
exports.handler = async (event) => {
  if (busy) return { container, overlapped: true };
  busy = true;
  try {
    await new Promise((resolve) => setTimeout(resolve, event.holdMs ?? 0));
    return { container, overlapped: false };
  } finally {
    busy = false;
  }
};
`;

let dir: string;
const started: LambdaContainer[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "lambda-concurrency-"));
  writeFileSync(join(dir, "index.js"), HANDLER);
});

afterAll(async () => {
  await Promise.all(started.map((container) => container.stop()));
  rmSync(dir, { recursive: true, force: true });
});

async function lambda(reservedConcurrency?: number): Promise<LambdaContainer> {
  const container = await startLambda({
    name: "fake",
    file: join(dir, "index.js"),
    env: {},
    timeoutSeconds: 5,
    log: () => undefined,
    ...(reservedConcurrency === undefined ? {} : { reservedConcurrency }),
  });
  started.push(container);
  return container;
}

type Answer = { container: string; overlapped: boolean };

it("runs concurrent invokes in separate containers, one invocation each", async () => {
  const fn = await lambda();
  const answers = (await Promise.all([
    fn.invoke({ holdMs: 300 }),
    fn.invoke({ holdMs: 300 }),
  ])) as Answer[];
  expect(answers.map((a) => a.overlapped)).toEqual([false, false]);
  expect(answers[0].container).not.toBe(answers[1].container);
  // A warm container is reused once it is free.
  const next = (await fn.invoke({})) as Answer;
  expect(answers.map((a) => a.container)).toContain(next.container);
});

it("refuses an invoke over the reserved concurrency, as Lambda does", async () => {
  const fn = await lambda(1);
  const first = fn.invoke({ holdMs: 300 });
  await new Promise((resolve) => setTimeout(resolve, 50));
  await expect(fn.invoke({})).rejects.toMatchObject({
    errorType: "TooManyRequestsException",
    errorMessage: "Rate Exceeded.",
  });
  await expect(first).resolves.toMatchObject({ overlapped: false });
  await expect(fn.invoke({})).resolves.toMatchObject({ overlapped: false });
});

it("refuses every invoke with a reserved concurrency of 0", async () => {
  const fn = await lambda(0);
  await expect(fn.invoke({})).rejects.toMatchObject({ errorType: "TooManyRequestsException" });
});
