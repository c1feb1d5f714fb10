// The one build of the Lambda handlers, used by `npm run build`, the Pulumi program and the
// local stack. Each handler becomes dist/<name>/index.js (+ its source map), a folder Lambda runs
// as `index.handler`; esbuild's metafile goes beside the folder, not into the upload.
import { build, buildSync, type BuildOptions, type BuildResult, type Metafile } from "esbuild";
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
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

/**
 * One esbuild run for the handlers named (all of them in every build here): it starts once and
 * reads the SDK code they share once, and writes each bundle as a run for it alone would.
 */
export function handlerBuildOptions(
  outDir: string,
  names: readonly HandlerName[] = HANDLER_NAMES,
): BuildOptions {
  return {
    entryPoints: Object.fromEntries(
      names.map((name) => [`${name}/index`, join(PROJECT_ROOT, "handlers", `${name}.ts`)]),
    ),
    outdir: outDir,
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

/** Each handler's part of the run's metafile: its output, its map, and what went into it. */
function metafileOf(file: string, metafile: Metafile): Metafile {
  const key = relative(PROJECT_ROOT, file).split(sep).join("/");
  const output = metafile.outputs[key];
  if (!output) throw new Error(`esbuild wrote no ${key}`);
  // Every file its entry reaches through imports, as a build of that handler alone lists them.
  const reached = new Set<string>();
  const pending = output.entryPoint ? [output.entryPoint] : [];
  for (let input = pending.pop(); input !== undefined; input = pending.pop()) {
    if (reached.has(input) || !metafile.inputs[input]) continue;
    reached.add(input);
    pending.push(...metafile.inputs[input].imports.map((imported) => imported.path));
  }
  return {
    inputs: Object.fromEntries(
      Object.entries(metafile.inputs).filter(([input]) => reached.has(input)),
    ),
    outputs: Object.fromEntries(
      Object.entries(metafile.outputs).filter(([name]) => name === key || name === `${key}.map`),
    ),
  };
}

function describeAll(outDir: string, result: BuildResult): Record<HandlerName, HandlerBundle> {
  const bundles = HANDLER_NAMES.map((name): HandlerBundle => {
    const dir = join(outDir, name);
    const file = join(dir, "index.js");
    const metafile = join(outDir, `${name}.meta.json`);
    writeFileSync(metafile, JSON.stringify(metafileOf(file, result.metafile!)));
    return { name, dir, file, bytes: statSync(file).size, metafile };
  });
  return Object.fromEntries(bundles.map((bundle) => [bundle.name, bundle])) as Record<
    HandlerName,
    HandlerBundle
  >;
}

export async function buildHandlers(
  options: { outDir?: string } = {},
): Promise<Record<HandlerName, HandlerBundle>> {
  const outDir = resolve(options.outDir ?? DEFAULT_OUT_DIR);
  mkdirSync(outDir, { recursive: true });
  return describeAll(outDir, await build(handlerBuildOptions(outDir)));
}

/** The same build, synchronous: the Pulumi program composes its resources without awaiting. */
export function buildHandlersSync(
  options: { outDir?: string } = {},
): Record<HandlerName, HandlerBundle> {
  const outDir = resolve(options.outDir ?? DEFAULT_OUT_DIR);
  mkdirSync(outDir, { recursive: true });
  return describeAll(outDir, buildSync(handlerBuildOptions(outDir)));
}
