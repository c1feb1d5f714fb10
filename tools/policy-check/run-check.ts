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
import { readStackExport } from "./stack-export";
import { withWaivers } from "./waiver-notes";
import type { ProgramRun, RegisteredResource } from "../engine/program-run";

export interface CheckOptions {
  programDir: string;
  stackName: string;
  packDir: string;
  policyConfigFile?: string;
  /** The bound on each wait: the program's run, the pack's start, each call to the pack. */
  timeoutMs?: number;
  /** Which passes run: a preview (values unknown), an update (values faked), or both. */
  mode?: CheckMode;
  /** Names of the check's environment the program gets beyond the allow-list (`--pass-env`). */
  passEnv?: readonly string[];
  /** Let the contained program reach the network (`--allow-network`). */
  allowNetwork?: boolean;
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
    runs = await runPasses(programDir, options, mode, timeoutMs);
  } catch (error) {
    analyzerStarting.then((client) => client.stop()).catch(() => undefined);
    throw error;
  }
  const analyzer = await analyzerStarting.catch((error: unknown) => {
    throw new CheckError(`the policy pack could not start: ${messageOf(error)}`);
  });
  const judged = await judge(analyzer, runs, fileConfig, { perResource: true });
  const previewed = previewedUrns(runs);
  const updated = runs.find((run) => !run.preview)?.resources ?? [];
  return {
    ...judged,
    packSource: `local: ${relative(process.cwd(), packDir) || "."}`,
    programDir,
    programEntry: relative(process.cwd(), programEntryFile(programDir)) || "index.ts",
    stackName: options.stackName,
    mode,
    ...uncontainedOf(runs),
    updateOnly:
      mode === "both"
        ? updated.map((resource) => resource.urn).filter((urn) => !previewed.has(urn))
        : [],
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
  const recorded = { preview: false, resources: deployed.resources };
  const judged = await judge(analyzer, [recorded], fileConfig, { perResource: false });
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

/** The passes a check judges: what each registered (or what a stack export recorded). */
type Pass = Pick<ProgramRun, "preview" | "resources" | "remoteComponents">;

/** The pack, configured as the CLI would, judges each pass; the analyzer is stopped after. */
async function judge(
  analyzer: AnalyzerClient,
  passes: Pass[],
  fileConfig: ReturnType<typeof readPolicyConfigFile>,
  options: { perResource: boolean },
): Promise<Pick<CheckResult, "pack" | "resourceCount" | "diagnostics">> {
  try {
    const pack = await analyzer.info();
    const config = guard("policy pack config", () => resolvePolicyConfig(pack, fileConfig));
    await analyzer.configure(config);
    const previewed = previewedUrns(passes);
    const diagnostics: Diagnostic[] = [];
    for (const pass of passes) {
      const found = [
        ...(options.perResource ? await analyzeEach(analyzer, pass.resources) : []),
        ...(await analyzer.analyzeStack(pass.resources)),
      ];
      diagnostics.push(...found.filter((diagnostic) => counts(pass, diagnostic, previewed)));
    }
    const seen = new Set(passes.flatMap((pass) => pass.resources.map((resource) => resource.urn)));
    return {
      pack,
      resourceCount: seen.size,
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

/**
 * The engine asks as resources register, many at once; the report keeps registration order. What
 * the program only read is judged with the stack, never alone, as under the engine.
 */
async function analyzeEach(
  analyzer: AnalyzerClient,
  resources: RegisteredResource[],
): Promise<Diagnostic[]> {
  const registered = resources.filter((resource) => !resource.read);
  return (await Promise.all(registered.map((resource) => analyzer.analyze(resource)))).flat();
}

function uncontainedOf(runs: ProgramRun[]): { uncontained?: string } {
  const why = runs.find((run) => run.uncontained)?.uncontained;
  return why ? { uncontained: why } : {};
}

function previewedUrns(passes: Pass[]): Set<string> {
  return new Set(
    passes.filter((pass) => pass.preview).flatMap((pass) => pass.resources.map((r) => r.urn)),
  );
}

/**
 * Whether a pass's diagnostic counts. A multi-language component's outputs (its children, made by
 * its own provider) are unknown at a preview and cannot be faked at an update, where the SDK reads
 * them as known and missing; so with such components in the stack (and a preview beside it), the
 * update pass judges only what the preview never registered (what `apply` made).
 */
function counts(run: Pass, diagnostic: Diagnostic, previewed: Set<string>): boolean {
  if (run.preview || previewed.size === 0 || !run.remoteComponents?.length) return true;
  return !previewed.has(diagnostic.urn);
}

/** The passes the mode asks for, side by side; a preview's failure is the one reported first. */
async function runPasses(
  programDir: string,
  options: Pick<CheckOptions, "stackName" | "passEnv" | "allowNetwork">,
  mode: CheckMode,
  timeoutMs: number,
): Promise<ProgramRun[]> {
  const previews = mode === "both" ? [true, false] : [mode === "preview"];
  const settled = await Promise.allSettled(
    // The same source type-checks once: in the preview when both passes run.
    previews.map((preview) =>
      runProgramInChild({
        programDir,
        stackName: options.stackName,
        passEnv: options.passEnv ?? [],
        allowNetwork: options.allowNetwork ?? false,
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
