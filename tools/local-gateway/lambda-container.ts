// A bundled handler run the way Lambda runs it: in containers (here worker threads), each with only
// the function's own environment variables, loaded once and reused, running one invocation at a
// time, never more at once than the reserved concurrency (over it: TooManyRequestsException), with
// a timeout. Errors come back as Lambda reports them (errorType, errorMessage), never as a stack.
import { createInterface } from "node:readline";
import { Worker } from "node:worker_threads";

export class LambdaInvokeError extends Error {
  constructor(
    readonly errorType: string,
    readonly errorMessage: string,
  ) {
    super(`${errorType}: ${errorMessage}`);
    this.name = "LambdaInvokeError";
  }
}

export interface LambdaContainer {
  invoke(event: unknown, context?: Record<string, unknown>): Promise<unknown>;
  stop(): Promise<void>;
}

export interface LambdaOptions {
  name: string;
  /** The handler's module file. */
  file: string;
  /** The module's export Lambda calls (the part of `index.handler` after the dot). */
  exportName?: string;
  /** The function's environment variables: all it sees of process.env. */
  env: Record<string, string>;
  timeoutSeconds: number;
  /** Receives each line the handler logs (its CloudWatch stream). */
  log: (line: string) => void;
  /** The function's reserved concurrency; undefined when none is reserved. */
  reservedConcurrency?: number;
}

/** The error Lambda gives an invoke over the function's concurrency. */
export const THROTTLED_BY_LAMBDA = "TooManyRequestsException";

/** Lambda's default concurrency per account and region. */
const ACCOUNT_CONCURRENCY = 1000;

// Plain JavaScript run inside the worker: load the bundle (the cold start), then answer invokes.
const CONTAINER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
let handler;
try {
  handler = require(workerData.file)[workerData.exportName];
  if (typeof handler !== "function") throw new TypeError("the module exports no handler function named " + workerData.exportName);
  parentPort.postMessage({ ready: true });
} catch (error) {
  parentPort.postMessage({ ready: false, errorType: (error && error.name) || "Error", errorMessage: String((error && error.message) || error) });
}
parentPort.on("message", async ({ id, event, context }) => {
  try {
    const result = await handler(event, context);
    parentPort.postMessage({ id, result: result === undefined ? null : result });
  } catch (error) {
    parentPort.postMessage({ id, errorType: (error && error.name) || "Error", errorMessage: String((error && error.message) || error) });
  }
});
`;

interface Reply {
  id?: number;
  ready?: boolean;
  result?: unknown;
  errorType?: string;
  errorMessage?: string;
}

interface Waiter {
  worker: Worker;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

/** A function's containers: idle ones, all live ones, and the invocations they are running. */
interface Pool {
  options: LambdaOptions;
  idle: Worker[];
  all: Set<Worker>;
  pending: Map<number, Waiter>;
  nextId: number;
}

export async function startLambda(options: LambdaOptions): Promise<LambdaContainer> {
  // Lambda's own limit when nothing is reserved: the account's default concurrency.
  const limit = options.reservedConcurrency ?? ACCOUNT_CONCURRENCY;
  const pool: Pool = { options, idle: [], all: new Set(), pending: new Map(), nextId: 1 };
  let busy = 0;
  let stopped = false;

  // The first cold start happens now, so a bundle that cannot load stops the stack at start
  // (a function Lambda may never run is not started).
  if (limit > 0) pool.idle.push(await spawn(pool));

  return {
    async invoke(event, context = {}) {
      if (stopped) throw new LambdaInvokeError("Runtime.Stopped", "the function is stopped");
      if (busy >= limit) {
        throw new LambdaInvokeError(THROTTLED_BY_LAMBDA, "Rate Exceeded.");
      }
      busy += 1;
      try {
        const target = pool.idle.pop() ?? (await spawn(pool));
        const answer = await run(pool, target, event, context);
        if (pool.all.has(target) && !stopped) pool.idle.push(target);
        return answer;
      } finally {
        busy -= 1;
      }
    },
    async stop() {
      stopped = true;
      const running = [...pool.all];
      pool.all.clear();
      pool.idle.length = 0;
      for (const [id, waiter] of pool.pending) {
        pool.pending.delete(id);
        waiter.reject(new LambdaInvokeError("Runtime.Stopped", "the function is stopped"));
      }
      await Promise.all(running.map((worker) => worker.terminate()));
    },
  };
}

/** Fails the invoke running in a container that is gone, and forgets the container. */
function discard(pool: Pool, gone: Worker): void {
  pool.all.delete(gone);
  const at = pool.idle.indexOf(gone);
  if (at >= 0) pool.idle.splice(at, 1);
  for (const [id, waiter] of pool.pending) {
    if (waiter.worker !== gone) continue;
    pool.pending.delete(id);
    waiter.reject(new LambdaInvokeError("Runtime.ExitError", "the runtime exited"));
  }
}

/** A new container, resolved once its handler has loaded (an init error rejects). */
function spawn(pool: Pool): Promise<Worker> {
  const { options } = pool;
  return new Promise<Worker>((resolve, reject) => {
    const created = new Worker(CONTAINER_SOURCE, {
      eval: true,
      workerData: { file: options.file, exportName: options.exportName ?? "handler" },
      env: { ...options.env },
      stdout: true,
      stderr: true,
    });
    pool.all.add(created);
    for (const stream of [created.stdout, created.stderr]) {
      createInterface({ input: stream }).on("line", (line) => options.log(line));
    }
    created.on("message", (reply: Reply) => {
      if (reply.ready !== undefined) {
        if (reply.ready) resolve(created);
        else {
          reject(new LambdaInvokeError(reply.errorType ?? "Error", reply.errorMessage ?? ""));
          discard(pool, created);
          void created.terminate();
        }
        return;
      }
      const waiter = pool.pending.get(reply.id ?? -1);
      if (waiter === undefined) return;
      pool.pending.delete(reply.id ?? -1);
      if (reply.errorType !== undefined) {
        waiter.reject(new LambdaInvokeError(reply.errorType, reply.errorMessage ?? ""));
      } else waiter.resolve(reply.result);
    });
    // A crashed container is replaced at the next invoke, as Lambda does.
    created.on("error", (error) => {
      reject(error);
      discard(pool, created);
    });
    created.on("exit", () => discard(pool, created));
  });
}

/** The one invocation a container runs until it answers, times out or dies. */
function run(
  pool: Pool,
  target: Worker,
  event: unknown,
  context: Record<string, unknown>,
): Promise<unknown> {
  const { options } = pool;
  const id = pool.nextId++;
  return new Promise<unknown>((resolve, reject) => {
    const timer = setTimeout(() => {
      pool.pending.delete(id);
      reject(
        new LambdaInvokeError(
          "Sandbox.Timedout",
          `Task timed out after ${options.timeoutSeconds.toFixed(2)} seconds`,
        ),
      );
      // Lambda discards a container whose invoke timed out.
      discard(pool, target);
      void target.terminate();
    }, options.timeoutSeconds * 1000);
    pool.pending.set(id, {
      worker: target,
      resolve: (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      reject: (error) => {
        clearTimeout(timer);
        reject(error);
      },
    });
    target.postMessage({ id, event, context: { ...context, functionName: options.name } });
  });
}
