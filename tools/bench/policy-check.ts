// The offline policy check's wall time, as CI pays it (both passes: preview and update), on the
// prod stack and on a generated protected stack of 100 REST APIs, and where the time goes.
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../infra/bundle";
import { AnalyzerClient } from "../policy-check/analyzer-client";
import { runProgramInChild } from "../policy-check/program-process";
import { resolvePolicyConfig } from "../policy-check/policy-config";
import { writeGeneratedStack } from "./generated-stack";

export const title = "Offline policy check";

const RUNS = 5;
const LARGE_RUNS = 3;
const TARGET_SECONDS = 3;
const LARGE_APIS = 100;
const LARGE_TARGET_SECONDS = 12;

function seconds(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e9;
}

/** `npm run policy`'s own command line (package.json), tsx's flags included, without npm. */
function policyCommand(): string[] {
  const scripts = (
    JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    }
  ).scripts;
  const [tool, ...args] = scripts.policy!.split(/\s+/);
  if (tool !== "tsx") throw new Error(`npm run policy is "${scripts.policy}", not a tsx command`);
  return [join(PROJECT_ROOT, "node_modules/tsx/dist/cli.mjs"), ...args];
}

/** Wall times of `npm run policy` (json), as CI runs it. */
function wallTimes(runs: number, args: string[]): number[] {
  const command = policyCommand();
  const wall: number[] = [];
  for (let index = 0; index < runs; index += 1) {
    const started = process.hrtime.bigint();
    execFileSync(process.execPath, [...command, "--format", "json", ...args], {
      cwd: PROJECT_ROOT,
      stdio: "ignore",
    });
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

interface Steps {
  resources: number;
  policies: number;
  previewSeconds: number;
  updateSeconds: number;
  packSeconds: number;
  analyzeMs: number;
}

/** Each step of a check alone, one after the other: where the time of a check goes. */
async function stepsOf(programDir: string): Promise<Steps> {
  const job = { programDir, stackName: "prod", timeoutMs: 600_000 };
  const previewStart = process.hrtime.bigint();
  const stack = await runProgramInChild({ ...job, preview: true });
  const previewSeconds = seconds(previewStart);
  const updateStart = process.hrtime.bigint();
  const updated = await runProgramInChild({ ...job, preview: false, transpileOnly: true });
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
  const resources = stack.resources.length;
  return {
    resources,
    policies: pack.policies.length,
    previewSeconds,
    updateSeconds,
    packSeconds,
    analyzeMs,
  };
}

/** CPU seconds (user + system) of the waited-for children so far (Linux; 0 elsewhere). */
function childCpuSeconds(): number {
  try {
    const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1]!.split(" ");
    // cutime and cstime, fields 16 and 17 of proc(5), in clock ticks (100 per second on Linux).
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return 0;
  }
}

function stepRows(label: string, steps: Steps): string[] {
  return [
    `| ${label}: preview pass, the program's own cmd/run (ts-node, its type check as configured) against the check's engine | ${steps.previewSeconds.toFixed(2)} s |`,
    `| ${label}: update pass alone (transpile-only, as beside a preview) | ${steps.updateSeconds.toFixed(2)} s |`,
    `| ${label}: start the pack as the engine does (run-policy-pack, ts-node) | ${steps.packSeconds.toFixed(2)} s |`,
    `| ${label}: Analyze for each resource + AnalyzeStack over gRPC, both passes | ${steps.analyzeMs.toFixed(0)} ms |`,
  ];
}

export async function run(): Promise<string> {
  const cpuBefore = childCpuSeconds();
  const wall = wallTimes(RUNS, []);
  const cpu = (childCpuSeconds() - cpuBefore) / RUNS;
  const large = writeGeneratedStack(LARGE_APIS);
  let largeWall: number[];
  let largeCpu: number;
  let largeSteps: Steps;
  try {
    const largeCpuBefore = childCpuSeconds();
    largeWall = wallTimes(LARGE_RUNS, ["--program", large, "--timeout", "300"]);
    largeCpu = (childCpuSeconds() - largeCpuBefore) / LARGE_RUNS;
    largeSteps = await stepsOf(large);
  } finally {
    rmSync(large, { recursive: true, force: true });
  }
  const steps = await stepsOf(PROJECT_ROOT);

  return [
    `\`npm run policy\` on the prod stack (${steps.resources} resources, ${steps.policies} policies, ` +
      `preview and update passes), wall time of the whole command, ${summary(wall, TARGET_SECONDS)}; ` +
      `CPU time (user + system, every process) ${cpu.toFixed(2)} s per run.`,
    "",
    `On a generated protected stack of ${LARGE_APIS} REST APIs (${largeSteps.resources} resources), ` +
      `${summary(largeWall, LARGE_TARGET_SECONDS)}; CPU time ${largeCpu.toFixed(2)} s per run.`,
    "",
    "| step | time |",
    "| --- | ---: |",
    ...stepRows("prod stack", steps),
    ...stepRows(`${LARGE_APIS} APIs`, largeSteps),
    "",
    "The check runs both passes and starts the pack side by side; on 2 cores a run cannot take " +
      "less wall time than half its CPU time.",
  ].join("\n");
}
