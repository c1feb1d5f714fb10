// The offline policy check's wall time, as CI pays it (both passes: preview and update), on the
// prod stack and on a generated protected stack of 100 REST APIs, and where the time goes.
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../infra/bundle";
import { AnalyzerClient } from "../policy-check/analyzer-client";
import { runProgramInChild } from "../policy-check/program-process";
import { resolvePolicyConfig } from "../policy-check/policy-config";
import { RESOURCES_PER_API, writeGeneratedStack } from "./generated-stack";

export const title = "Offline policy check";

const RUNS = 5;
const LARGE_RUNS = 3;
const TARGET_SECONDS = 3;
const LARGE_APIS = 100;
const LARGE_TARGET_SECONDS = 12;

function seconds(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e9;
}

/** Wall times of `npm run policy` (json), as CI runs it. */
function wallTimes(runs: number, args: string[]): number[] {
  const tsx = join(PROJECT_ROOT, "node_modules/tsx/dist/cli.mjs");
  const wall: number[] = [];
  for (let index = 0; index < runs; index += 1) {
    const started = process.hrtime.bigint();
    execFileSync(
      process.execPath,
      [tsx, join(PROJECT_ROOT, "tools/policy-check.ts"), "--format", "json", ...args],
      { cwd: PROJECT_ROOT, stdio: "ignore" },
    );
    wall.push(seconds(started));
  }
  return wall;
}

function summary(wall: number[], target: number): string {
  const median = [...wall].sort((a, b) => a - b)[Math.floor(wall.length / 2)];
  return (
    `median of ${wall.length}: **${median.toFixed(2)} s** (target ${target} s; ` +
    `min ${Math.min(...wall).toFixed(2)} s, max ${Math.max(...wall).toFixed(2)} s)`
  );
}

export async function run(): Promise<string> {
  const wall = wallTimes(RUNS, []);
  const large = writeGeneratedStack(LARGE_APIS);
  let largeWall: number[];
  try {
    largeWall = wallTimes(LARGE_RUNS, ["--program", large, "--timeout", "300"]);
  } finally {
    rmSync(large, { recursive: true, force: true });
  }

  const job = { programDir: PROJECT_ROOT, stackName: "prod", timeoutMs: 120_000 };
  const previewStart = process.hrtime.bigint();
  const stack = await runProgramInChild({ ...job, preview: true });
  const previewSeconds = seconds(previewStart);
  const updateStart = process.hrtime.bigint();
  const updated = await runProgramInChild({ ...job, preview: false });
  const updateSeconds = seconds(updateStart);
  const packStart = process.hrtime.bigint();
  const analyzer = await AnalyzerClient.start(join(PROJECT_ROOT, "policy-pack"));
  const packSeconds = seconds(packStart);
  const pack = await analyzer.info();
  await analyzer.configure(resolvePolicyConfig(pack, {}));
  const analyzeStart = process.hrtime.bigint();
  for (const resources of [stack.resources, updated.resources]) {
    await Promise.all(resources.map((resource) => analyzer.analyze(resource)));
    await analyzer.analyzeStack(resources);
  }
  const analyzeMs = seconds(analyzeStart) * 1000;
  analyzer.stop();

  return [
    `\`npm run policy\` on the prod stack (${stack.resources.length} resources, ${pack.policies.length} policies, ` +
      `preview and update passes), wall time of the whole command, ${summary(wall, TARGET_SECONDS)}.`,
    "",
    `On a generated protected stack of ${LARGE_APIS} REST APIs (${LARGE_APIS * RESOURCES_PER_API} resources), ` +
      `${summary(largeWall, LARGE_TARGET_SECONDS)}.`,
    "",
    "| step (prod stack) | time |",
    "| --- | ---: |",
    `| preview pass: the program's own cmd/run (ts-node) against the check's engine, bundles included | ${previewSeconds.toFixed(2)} s |`,
    `| update pass, alone | ${updateSeconds.toFixed(2)} s |`,
    `| start the pack as the engine does (run-policy-pack, ts-node) | ${packSeconds.toFixed(2)} s |`,
    `| Analyze for each resource + AnalyzeStack over gRPC, both passes | ${analyzeMs.toFixed(0)} ms |`,
    "",
    "The check runs both passes and starts the pack side by side.",
  ].join("\n");
}
