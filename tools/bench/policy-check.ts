// The offline policy check's wall time, as CI pays it, and where the time goes.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../infra/bundle";
import { AnalyzerClient } from "../policy-check/analyzer-client";
import { runProgramInChild } from "../policy-check/program-process";
import { resolvePolicyConfig } from "../policy-check/policy-config";

export const title = "Offline policy check";

const RUNS = 5;
const TARGET_SECONDS = 3;

export async function run(): Promise<string> {
  const tsx = join(PROJECT_ROOT, "node_modules/tsx/dist/cli.mjs");
  const wall: number[] = [];
  for (let index = 0; index < RUNS; index += 1) {
    const started = process.hrtime.bigint();
    execFileSync(
      process.execPath,
      [tsx, join(PROJECT_ROOT, "tools/policy-check.ts"), "--format", "json"],
      {
        cwd: PROJECT_ROOT,
        stdio: "ignore",
      },
    );
    wall.push(Number(process.hrtime.bigint() - started) / 1e9);
  }

  const programStart = process.hrtime.bigint();
  const stack = await runProgramInChild({
    programDir: PROJECT_ROOT,
    stackName: "prod",
    preview: true,
    timeoutMs: 120_000,
  });
  const programSeconds = Number(process.hrtime.bigint() - programStart) / 1e9;
  const packStart = process.hrtime.bigint();
  const analyzer = await AnalyzerClient.start(join(PROJECT_ROOT, "policy-pack"));
  const packSeconds = Number(process.hrtime.bigint() - packStart) / 1e9;
  const pack = await analyzer.info();
  await analyzer.configure(resolvePolicyConfig(pack, {}));
  const analyzeStart = process.hrtime.bigint();
  await Promise.all(stack.resources.map((resource) => analyzer.analyze(resource)));
  await analyzer.analyzeStack(stack.resources);
  const analyzeMs = Number(process.hrtime.bigint() - analyzeStart) / 1e6;
  analyzer.stop();

  const median = [...wall].sort((a, b) => a - b)[Math.floor(RUNS / 2)];
  return [
    `\`npm run policy\` on the prod stack (${stack.resources.length} resources, ${pack.policies.length} policies), ` +
      `wall time of the whole command, median of ${RUNS}: **${median.toFixed(2)} s** ` +
      `(target ${TARGET_SECONDS} s; min ${Math.min(...wall).toFixed(2)} s, max ${Math.max(...wall).toFixed(2)} s).`,
    "",
    "| step | time |",
    "| --- | ---: |",
    `| run the program as the language host does (own SDK, ts-node), under mocks (preview), bundles included | ${programSeconds.toFixed(2)} s |`,
    `| start the pack as the engine does (run-policy-pack, ts-node) | ${packSeconds.toFixed(2)} s |`,
    `| Analyze for each resource + AnalyzeStack over gRPC | ${analyzeMs.toFixed(0)} ms |`,
    "",
    "The program and the pack start in parallel in the check itself.",
  ].join("\n");
}
