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

export interface CheckOptions {
  programDir: string;
  stackName: string;
  packDir: string;
  policyConfigFile?: string;
  /** The bound on each wait: the program's run, the pack's start, each call to the pack. */
  timeoutMs?: number;
  /** Names of the check's environment the program gets beyond the allow-list (`--pass-env`). */
  passEnv?: readonly string[];
  /** Let the contained program reach the network (`--allow-network`). */
  allowNetwork?: boolean;
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
      passEnv: options.passEnv ?? [],
      allowNetwork: options.allowNetwork ?? false,
    });
  } catch (error) {
    analyzerStarting.then((client) => client.stop()).catch(() => undefined);
    if (error instanceof CheckError) throw error;
    throw new CheckError(`the program failed under preview: ${messageOf(error)}`);
  }
  const analyzer = await analyzerStarting.catch((error: unknown) => {
    throw new CheckError(`the policy pack could not start: ${messageOf(error)}`);
  });
  try {
    const pack = await analyzer.info();
    await analyzer.configure(
      guard("policy pack config", () => resolvePolicyConfig(pack, fileConfig)),
    );
    const diagnostics: Diagnostic[] = [];
    // The engine asks as resources register, many at once; the report keeps registration order.
    const perResource = await Promise.all(
      run.resources.map((resource) => analyzer.analyze(resource)),
    );
    for (const found of perResource) diagnostics.push(...found);
    diagnostics.push(...(await analyzer.analyzeStack(run.resources)));
    return {
      pack,
      packSource: `local: ${relative(process.cwd(), packDir) || "."}`,
      programDir,
      programEntry: relative(process.cwd(), programEntryFile(programDir)) || "index.ts",
      stackName: options.stackName,
      resourceCount: run.resources.length,
      diagnostics: dedupe(diagnostics),
      durationMs: Date.now() - started,
      ...(run.uncontained ? { uncontained: run.uncontained } : {}),
    };
  } catch (error) {
    if (error instanceof CheckError) throw error;
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
