// The offline policy check: the program runs under the check's engine (no cloud, no CLI) as a
// preview and as an update, and the real policy pack judges what each pass registered, over the
// same protocol the engine uses. A stack passes only if both passes do.
import { existsSync } from "node:fs";
import { relative, resolve } from "node:path";
import { parse } from "yaml";
import { readFileSync } from "node:fs";
import { AnalyzerClient, type Diagnostic } from "./analyzer-client";
import { CheckError } from "./check-error";
import { runProgramInChild } from "./program-process";
import { readPolicyConfigFile, resolvePolicyConfig } from "./policy-config";
import type { CheckResult } from "./report";
import type { ProgramRun } from "../pulumi-mock-runner";

export interface CheckOptions {
  programDir: string;
  stackName: string;
  packDir: string;
  policyConfigFile?: string;
  /** The bound on each wait: the program's run, the pack's start, each call to the pack. */
  timeoutMs?: number;
  /** Which passes run: a preview (values unknown), an update (values faked), or both. */
  mode?: CheckMode;
}

export const CHECK_MODES = ["preview", "update", "both"] as const;
export type CheckMode = (typeof CHECK_MODES)[number];

export interface EngineCheckResult extends CheckResult {
  mode: CheckMode;
  /** Resources only the update pass registered (made where values are known, inside `apply`). */
  updateOnly: string[];
}

export { CheckError };
export const DEFAULT_TIMEOUT_MS = 60_000;

export async function runPolicyCheck(options: CheckOptions): Promise<EngineCheckResult> {
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
  const mode = options.mode ?? "both";
  let runs: ProgramRun[];
  try {
    // The program's failure, when both fail, is the one to act on first.
    runs = await runPasses(programDir, options.stackName, mode, timeoutMs);
  } catch (error) {
    analyzerStarting.then((client) => client.stop()).catch(() => undefined);
    throw error;
  }
  const analyzer = await analyzerStarting.catch((error: unknown) => {
    throw new CheckError(`the policy pack could not start: ${messageOf(error)}`);
  });
  try {
    const pack = await analyzer.info();
    await analyzer.configure(
      guard("policy pack config", () => resolvePolicyConfig(pack, fileConfig)),
    );
    const previewed = new Set(
      runs.filter((run) => run.preview).flatMap((run) => run.resources.map((r) => r.urn)),
    );
    const diagnostics: Diagnostic[] = [];
    for (const run of runs) {
      // The engine asks as resources register, many at once; the report keeps registration order.
      const perResource = await Promise.all(
        run.resources.map((resource) => analyzer.analyze(resource)),
      );
      const found = [...perResource.flat(), ...(await analyzer.analyzeStack(run.resources))];
      diagnostics.push(...found.filter((diagnostic) => counts(run, diagnostic, previewed)));
    }
    const seen = new Set(runs.flatMap((run) => run.resources.map((resource) => resource.urn)));
    const updated = runs.find((run) => !run.preview)?.resources ?? [];
    return {
      pack,
      packSource: `local: ${relative(process.cwd(), packDir) || "."}`,
      programDir,
      programEntry: relative(process.cwd(), programEntryFile(programDir)) || "index.ts",
      stackName: options.stackName,
      resourceCount: seen.size,
      diagnostics: dedupe(diagnostics),
      mode,
      updateOnly:
        mode === "both"
          ? updated.map((resource) => resource.urn).filter((urn) => !previewed.has(urn))
          : [],
      durationMs: Date.now() - started,
    };
  } catch (error) {
    if (error instanceof CheckError) throw error;
    throw new CheckError(`the policy pack failed: ${messageOf(error)}`);
  } finally {
    analyzer.stop();
  }
}

/**
 * Whether a pass's diagnostic counts. A multi-language component's outputs (its children, made by
 * its own provider) are unknown at a preview and cannot be faked at an update, where the SDK reads
 * them as known and missing; so with such components in the stack (and a preview beside it), the
 * update pass judges only what the preview never registered (what `apply` made).
 */
function counts(run: ProgramRun, diagnostic: Diagnostic, previewed: Set<string>): boolean {
  if (run.preview || previewed.size === 0 || !run.remoteComponents?.length) return true;
  return !previewed.has(diagnostic.urn);
}

/** The passes the mode asks for, side by side; a preview's failure is the one reported first. */
async function runPasses(
  programDir: string,
  stackName: string,
  mode: CheckMode,
  timeoutMs: number,
): Promise<ProgramRun[]> {
  const previews = mode === "both" ? [true, false] : [mode === "preview"];
  const settled = await Promise.allSettled(
    // The same source type-checks once: in the preview when both passes run.
    previews.map((preview) =>
      runProgramInChild({
        programDir,
        stackName,
        preview,
        timeoutMs,
        transpileOnly: !preview && previews.length > 1,
      }),
    ),
  );
  const runs: ProgramRun[] = [];
  for (const outcome of settled) {
    if (outcome.status === "rejected") {
      const error: unknown = outcome.reason;
      if (error instanceof CheckError) throw error;
      throw new CheckError(`the program failed: ${messageOf(error)}`);
    }
    runs.push(outcome.value);
  }
  return runs;
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
