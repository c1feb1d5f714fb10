// `npm run policy`: checks a Pulumi program against the policy pack with no cloud and no CLI, or,
// with --stack-export, a deployed stack from what `pulumi stack export` wrote.
// Exit status: 0 no mandatory violation, 1 mandatory violations, 2 the check could not run.
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { PROJECT_ROOT } from "../infra/bundle";
import {
  REPORT_FORMATS,
  formatReport,
  mandatory,
  summaryLine,
  type ReportFormat,
} from "./policy-check/report";
import { killAllChildren } from "./policy-check/child-processes";
import {
  CHECK_MODES,
  CheckError,
  DEFAULT_TIMEOUT_MS,
  runPolicyCheck,
  runStackExportCheck,
  type CheckMode,
} from "./policy-check/run-check";

const USAGE = `usage: npm run policy -- [--program DIR] [--stack NAME] [--stack-export FILE|-] [--policy-pack DIR]
                         [--policy-pack-config FILE] [--format text|json|junit|sarif] [--output FILE]
                         [--timeout SECONDS]  (each wait: program, pack start, each call; default ${DEFAULT_TIMEOUT_MS / 1000})
                         [--mode preview|update|both]  (how the program runs; default both: passes only if both pass)`;

// Interrupted (Ctrl-C, a CI job cancelled): the program's and the pack's processes go too.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.once(signal, () => {
    killAllChildren();
    console.error(`Policy check could not run: interrupted by ${signal}`);
    process.exit(2);
  });
}

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        program: { type: "string" },
        stack: { type: "string" },
        "stack-export": { type: "string" },
        "policy-pack": { type: "string", default: resolve(PROJECT_ROOT, "policy-pack") },
        "policy-pack-config": { type: "string" },
        format: { type: "string", default: "text" },
        output: { type: "string" },
        timeout: { type: "string", default: String(DEFAULT_TIMEOUT_MS / 1000) },
        mode: { type: "string", default: "both" },
        help: { type: "boolean", default: false },
      },
    }));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : error}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const format = values.format as ReportFormat;
  if (!REPORT_FORMATS.includes(format)) {
    console.error(`unknown format "${values.format}"\n${USAGE}`);
    return 2;
  }
  const mode = values.mode as CheckMode;
  if (!CHECK_MODES.includes(mode)) {
    console.error(`unknown mode "${values.mode}"\n${USAGE}`);
    return 2;
  }
  const timeoutSeconds = Number(values.timeout);
  if (!(timeoutSeconds > 0)) {
    console.error(
      `--timeout must be a number of seconds above 0, not "${values.timeout}"\n${USAGE}`,
    );
    return 2;
  }
  const stackExport = values["stack-export"];
  if (stackExport !== undefined && (values.program !== undefined || values.stack !== undefined)) {
    console.error(
      `--stack-export judges a deployed stack: give it without --program or --stack\n${USAGE}`,
    );
    return 2;
  }
  try {
    const common = {
      packDir: values["policy-pack"],
      policyConfigFile: values["policy-pack-config"],
      timeoutMs: timeoutSeconds * 1000,
    };
    const result =
      stackExport !== undefined
        ? await runStackExportCheck({ ...common, stackExport })
        : await runPolicyCheck({
            ...common,
            programDir: values.program ?? PROJECT_ROOT,
            stackName: values.stack ?? "prod",
            mode,
          });
    const report = formatReport(result, format);
    if (values.output) {
      writeFileSync(values.output, `${report}\n`);
      console.log(format === "text" ? report : summaryLine(result));
    } else {
      console.log(report);
    }
    return mandatory(result).length > 0 ? 1 : 0;
  } catch (error) {
    if (error instanceof CheckError) {
      console.error(`Policy check could not run: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

main()
  .then((status) => process.exit(status))
  .catch((error: unknown) => {
    console.error(`Policy check could not run: ${error instanceof Error ? error.message : error}`);
    process.exit(2);
  });
