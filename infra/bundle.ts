// The one build of the Lambda handlers, used by `npm run build`, the Pulumi program and the
// local stack. Each handler becomes dist/<name>/index.js (+ its source map), a folder Lambda runs
// as `index.handler`; esbuild's metafile goes beside the folder, not into the upload.
import { build, buildSync, type BuildOptions, type BuildResult } from "esbuild";
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { HANDLER_NAMES, type HandlerName } from "../contracts/functions";

export interface HandlerBundle {
  name: HandlerName;
  /** The folder to upload: index.js and index.js.map. */
  dir: string;
  file: string;
  bytes: number;
  /** esbuild's metafile (what went into the bundle), beside the folder. */
  metafile: string;
}

/** The Lambda runtime the bundles target; the Pulumi program deploys them on it. */
export const LAMBDA_NODE_RUNTIME = "nodejs22.x";
const ESBUILD_TARGET = "node22";

/** The package the SDK clients take their default credential provider from. */
const DEFAULT_CREDENTIAL_CHAIN = "@aws-sdk/credential-provider-node";

export const PROJECT_ROOT = resolve(__dirname, "..");
export const DEFAULT_OUT_DIR = join(PROJECT_ROOT, "dist");

function optionsFor(name: HandlerName, outDir: string): BuildOptions {
  return {
    entryPoints: [join(PROJECT_ROOT, "handlers", `${name}.ts`)],
    outfile: join(outDir, name, "index.js"),
    bundle: true,
    platform: "node",
    format: "cjs",
    target: ESBUILD_TARGET,
    // The AWS SDK's ES module builds tree-shake far better than its CommonJS ones.
    mainFields: ["module", "main"],
    // Every client gets its credentials from the environment, as Lambda provides them: the SDK's
    // default chain (about 116 KiB) is left out (handlers/no-default-credential-chain.ts).
    alias: {
      [DEFAULT_CREDENTIAL_CHAIN]: join(PROJECT_ROOT, "handlers", "no-default-credential-chain.ts"),
    },
    // The SDK's ES builds load node:http with import(); as require() the CommonJS bundle needs no
    // ES module loader (jest's vm sandbox refuses import() without --experimental-vm-modules).
    supported: { "dynamic-import": false },
    minify: true,
    treeShaking: true,
    sourcemap: "external",
    sourcesContent: false,
    legalComments: "none",
    metafile: true,
    logLevel: "silent",
    absWorkingDir: PROJECT_ROOT,
  };
}

function describe(name: HandlerName, outDir: string, result: BuildResult): HandlerBundle {
  const dir = join(outDir, name);
  const file = join(dir, "index.js");
  const metafile = join(outDir, `${name}.meta.json`);
  writeFileSync(metafile, JSON.stringify(result.metafile));
  return { name, dir, file, bytes: statSync(file).size, metafile };
}

export async function buildHandlers(
  options: { outDir?: string } = {},
): Promise<Record<HandlerName, HandlerBundle>> {
  const outDir = resolve(options.outDir ?? DEFAULT_OUT_DIR);
  mkdirSync(outDir, { recursive: true });
  const bundles = await Promise.all(
    HANDLER_NAMES.map(async (name) =>
      describe(name, outDir, await build(optionsFor(name, outDir))),
    ),
  );
  return Object.fromEntries(bundles.map((bundle) => [bundle.name, bundle])) as Record<
    HandlerName,
    HandlerBundle
  >;
}

export function buildHandlersSync(
  options: { outDir?: string } = {},
): Record<HandlerName, HandlerBundle> {
  const outDir = resolve(options.outDir ?? DEFAULT_OUT_DIR);
  mkdirSync(outDir, { recursive: true });
  const bundles = HANDLER_NAMES.map((name) =>
    describe(name, outDir, buildSync(optionsFor(name, outDir))),
  );
  return Object.fromEntries(bundles.map((bundle) => [bundle.name, bundle])) as Record<
    HandlerName,
    HandlerBundle
  >;
}
