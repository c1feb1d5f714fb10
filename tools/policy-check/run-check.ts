// The offline policy check: the program runs under mocks as a preview (no cloud, no CLI), and
// the real policy pack judges what it registered, over the same protocol the engine uses.
import { existsSync } from "node:fs";
import { relative, resolve } from "node:path";
import { parse } from "yaml";
import { readFileSync } from "node:fs";
import { AnalyzerClient, type Diagnostic } from "./analyzer-client";
import { CheckError } from "./check-error";
import { runProgramInChild } from "./program-process";
import { readPolicyConfigFile, resolvePolicyConfig } from "./policy-config";
import type { CheckResult } from "./report";
import { readStackExport } from "./stack-export";
import { withWaivers } from "./waiver-notes";
import type { RegisteredResource } from "../pulumi-mock-runner";

export interface CheckOptions {
  programDir: string;
  stackName: string;
  packDir: string;
  policyConfigFile?: string;
  /** The bound on each wait: the program's run, the pack's start, each call to the pack. */
  timeoutMs?: number;
}

export { CheckError };
export const DEFAULT_TIMEOUT_MS = 60_000;

export async function runPolicyCheck(options: CheckOptions): Promise<CheckResult> {
  const started = Date.now();
  const programDir = resolve(options.programDir);
  const packDir = resolve(options.packDir);
  if (!existsSync(resolve(programDir, "Pulumi.yaml"))) {
    throw new CheckError(`${programDir} has no Pulumi.yaml: not a Pulumi program`);
  }
  if (!existsSync(resolve(packDir, "PulumiPolicy.yaml"))) {
    throw new CheckError(`${packDir} has no PulumiPolicy.yaml: not a policy pack`);
  }
  const fileConfig = guard("policy pack config", () =>
    readPolicyConfigFile(options.policyConfigFile),
  );

  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // Start the pack while the program runs: both take about a second.
  const analyzerStarting = AnalyzerClient.start(packDir, timeoutMs);
  analyzerStarting.catch(() => undefined);
  let run;
  try {
    run = await runProgramInChild({
      programDir,
      stackName: options.stackName,
      preview: true,
      timeoutMs,
    });
  } catch (error) {
    analyzerStarting.then((client) => client.stop()).catch(() => undefined);
    if (error instanceof CheckError) throw error;
    throw new CheckError(`the program failed under preview: ${messageOf(error)}`);
  }
  const analyzer = await analyzerStarting.catch((error: unknown) => {
    throw new CheckError(`the policy pack could not start: ${messageOf(error)}`);
  });
  const judged = await judge(analyzer, run.resources, fileConfig, { perResource: true });
  return {
    ...judged,
    packSource: `local: ${relative(process.cwd(), packDir) || "."}`,
    programDir,
    programEntry: relative(process.cwd(), programEntryFile(programDir)) || "index.ts",
    stackName: options.stackName,
    durationMs: Date.now() - started,
  };
}

/** A deployed stack, judged from what `pulumi stack export` wrote (a file, or "-" for stdin). */
export async function runStackExportCheck(
  options: Omit<CheckOptions, "programDir" | "stackName"> & { stackExport: string },
): Promise<CheckResult> {
  const started = Date.now();
  const packDir = resolve(options.packDir);
  if (!existsSync(resolve(packDir, "PulumiPolicy.yaml"))) {
    throw new CheckError(`${packDir} has no PulumiPolicy.yaml: not a policy pack`);
  }
  const fileConfig = guard("policy pack config", () =>
    readPolicyConfigFile(options.policyConfigFile),
  );
  const deployed = readStackExport(options.stackExport);
  const analyzer = await AnalyzerClient.start(
    packDir,
    options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  ).catch((error: unknown) => {
    throw new CheckError(`the policy pack could not start: ${messageOf(error)}`);
  });
  // As after an update: the engine sends AnalyzeStack alone, with the recorded state.
  const judged = await judge(analyzer, deployed.resources, fileConfig, { perResource: false });
  const source = options.stackExport === "-" ? "standard input" : options.stackExport;
  return {
    ...judged,
    packSource: `local: ${relative(process.cwd(), packDir) || "."}`,
    programDir: source,
    programEntry: source,
    stackName: deployed.stackName || "(no resources)",
    stackExport: { skipped: deployed.skipped, secretResources: deployed.secretResources },
    durationMs: Date.now() - started,
  };
}

/** The pack, configured as the CLI would, judges the resources; the analyzer is stopped after. */
async function judge(
  analyzer: AnalyzerClient,
  resources: RegisteredResource[],
  fileConfig: ReturnType<typeof readPolicyConfigFile>,
  options: { perResource: boolean },
): Promise<Pick<CheckResult, "pack" | "resourceCount" | "diagnostics">> {
  try {
    const pack = await analyzer.info();
    const config = guard("policy pack config", () => resolvePolicyConfig(pack, fileConfig));
    await analyzer.configure(config);
    const diagnostics: Diagnostic[] = [];
    if (options.perResource) {
      // The engine asks as resources register, many at once; the report keeps registration order.
      const perResource = await Promise.all(
        resources.map((resource) => analyzer.analyze(resource)),
      );
      for (const found of perResource) diagnostics.push(...found);
    }
    diagnostics.push(...(await analyzer.analyzeStack(resources)));
    return {
      pack,
      resourceCount: resources.length,
      diagnostics: withWaivers(dedupe(diagnostics), config),
    };
  } catch (error) {
    if (error instanceof CheckError) throw error;
    const waiver = /invalid waivers?[: ].*/.exec(messageOf(error));
    if (waiver) throw new CheckError(`bad policy pack config: ${waiver[0]}`);
    throw new CheckError(`the policy pack failed: ${messageOf(error)}`);
  } finally {
    analyzer.stop();
  }
}

function programEntryFile(programDir: string): string {
  const project = parse(readFileSync(resolve(programDir, "Pulumi.yaml"), "utf8")) as {
    main?: string;
  };
  return resolve(programDir, project.main ?? "index.ts");
}

function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((diagnostic) => {
    const key = `${diagnostic.policyName}|${diagnostic.urn}|${diagnostic.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function guard<T>(what: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw new CheckError(`bad ${what}: ${messageOf(error)}`);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
