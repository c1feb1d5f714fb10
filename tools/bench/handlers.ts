// Handler bundles: size, cold module load against the same code unbundled, authorizer per-call
// cost, and what the mailer bundle is made of.
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { buildSync, type Metafile } from "esbuild";
import { PROJECT_ROOT, buildHandlers, type HandlerBundle } from "../../infra/bundle";
import { sha256Hex } from "../../contracts/token";

export const title = "Lambda handlers";

const COLD_LOAD_RUNS = 15;
const AUTHORIZER_CALLS = 20_000;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/** Milliseconds to `require` a module in a fresh node process: the median of several runs. */
function coldLoadMs(file: string): number {
  const probe =
    `const t=process.hrtime.bigint();require(${JSON.stringify(file)});` +
    `process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  const samples = Array.from({ length: COLD_LOAD_RUNS }, () =>
    Number(
      execFileSync(process.execPath, ["--no-warnings", "-e", probe], {
        cwd: PROJECT_ROOT,
        encoding: "utf8",
      }),
    ),
  );
  return median(samples);
}

/** The same handlers compiled file by file, loading the SDK from node_modules like a plain deploy. */
function buildUnbundledTwin(): Record<string, string> {
  const outdir = join(PROJECT_ROOT, "build", "unbundled");
  rmSync(outdir, { recursive: true, force: true });
  // The handlers and the contracts they import, each folder beside the other as in the source.
  const sources = ["handlers", "contracts"].flatMap((folder) =>
    readdirSync(join(PROJECT_ROOT, folder))
      .filter((name) => name.endsWith(".ts"))
      .map((name) => join(PROJECT_ROOT, folder, name)),
  );
  buildSync({
    entryPoints: sources,
    outdir,
    outbase: PROJECT_ROOT,
    platform: "node",
    format: "cjs",
    target: "node22",
    logLevel: "silent",
  });
  return {
    authorizer: join(outdir, "handlers", "authorizer.js"),
    mailer: join(outdir, "handlers", "mailer.js"),
    delivery: join(outdir, "handlers", "delivery.js"),
  };
}

async function authorizerMicrosPerCall(bundle: HandlerBundle): Promise<number> {
  const token = "t".repeat(64);
  process.env.AUTH_TOKEN_SHA256 = `${sha256Hex(token)},${sha256Hex("p".repeat(64))}`;
  const { handler } = require(bundle.file) as {
    handler: (event: unknown) => Promise<unknown>;
  };
  const event = {
    type: "TOKEN",
    authorizationToken: token,
    methodArn: "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/POST/",
  };
  const log = console.log;
  console.log = () => undefined;
  try {
    for (let i = 0; i < 1000; i += 1) await handler(event);
    const start = process.hrtime.bigint();
    for (let i = 0; i < AUTHORIZER_CALLS; i += 1) await handler(event);
    return Number(process.hrtime.bigint() - start) / 1e3 / AUTHORIZER_CALLS;
  } finally {
    console.log = log;
  }
}

function topPackages(metafilePath: string, count: number): Array<[string, number]> {
  const metafile = JSON.parse(readFileSync(metafilePath, "utf8")) as Metafile;
  const output = Object.values(metafile.outputs).find((entry) => entry.entryPoint);
  const byPackage = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    const name = match ? match[1] : "(project code)";
    byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
  }
  return [...byPackage.entries()].sort((a, b) => b[1] - a[1]).slice(0, count);
}

export async function run(): Promise<string> {
  const bundles = await buildHandlers();
  const unbundled = buildUnbundledTwin();
  const rows = [
    "| handler | bundle (minified) | gzip | cold load, bundled | cold load, unbundled | unbundled / bundled |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const bundle of Object.values(bundles)) {
    const source = readFileSync(bundle.file);
    const bundled = coldLoadMs(bundle.file);
    const plain = coldLoadMs(unbundled[bundle.name]);
    rows.push(
      `| ${bundle.name} | ${kib(source.length)} | ${kib(gzipSync(source).length)} | ` +
        `${bundled.toFixed(1)} ms | ${plain.toFixed(1)} ms | ${(plain / bundled).toFixed(2)}x |`,
    );
  }
  const perCall = await authorizerMicrosPerCall(bundles.authorizer);
  const packages = topPackages(bundles.mailer.metafile, 8)
    .map(([name, bytes]) => `| ${name} | ${kib(bytes)} |`)
    .join("\n");
  return [
    `Cold load: median of ${COLD_LOAD_RUNS} fresh \`node\` processes, time to \`require\` the module.`,
    "",
    ...rows,
    "",
    `Authorizer per call (bundled, two accepted digests, in process): ${perCall.toFixed(1)} µs ` +
      `(mean of ${AUTHORIZER_CALLS} calls).`,
    "",
    "What the mailer bundle is made of (esbuild metafile, bytes in the output):",
    "",
    "| package | size |",
    "| --- | ---: |",
    packages,
  ].join("\n");
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
