// `npm run policy`: checks a Pulumi program against the policy pack with no cloud and no CLI, or,
// with --stack-export, a deployed stack from what `pulumi stack export` wrote.
// Exit status: 0 no mandatory violation, 1 mandatory violations, 2 the check could not run.
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  REPORT_FORMATS,
  formatReport,
  mandatory,
  summaryLine,
  uncontainedLine,
  type ReportFormat,
} from "./policy-check/report";
import { killAllChildren } from "./policy-check/child-processes";
import { isCredential } from "./policy-check/program-environment";
import {
  CHECK_MODES,
  CheckError,
  DEFAULT_TIMEOUT_MS,
  runPolicyCheck,
  runStackExportCheck,
  type CheckMode,
} from "./policy-check/run-check";

/** This checkout (infra/bundle names it too, but loading that would load esbuild for nothing). */
const PROJECT_ROOT = resolve(__dirname, "..");

const USAGE = `usage: npm run policy -- [--program DIR] [--stack NAME] [--stack-export FILE|-] [--policy-pack DIR]
                         [--policy-pack-config FILE] [--format text|json|junit|sarif] [--output FILE]
                         [--timeout SECONDS]  (each wait: program, pack start, each call; default ${DEFAULT_TIMEOUT_MS / 1000})
                         [--mode preview|update|both]  (how the program runs; default both: passes only if both pass)
                         [--pass-env NAME]...  (hand the program one more variable; never credentials)
                         [--allow-network]  (let the contained program reach the network)`;

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
        "pass-env": { type: "string", multiple: true, default: [] },
        "allow-network": { type: "boolean", default: false },
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
  const invalid = invalidOption(values);
  if (invalid !== undefined) {
    console.error(`${invalid}\n${USAGE}`);
    return 2;
  }
  const format = values.format as ReportFormat;
  const mode = values.mode as CheckMode;
  const timeoutSeconds = Number(values.timeout);
  const stackExport = values["stack-export"];
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
            passEnv: values["pass-env"],
            allowNetwork: values["allow-network"],
          });
    const report = formatReport(result, format);
    if (values.output) {
      writeFileSync(values.output, `${report}\n`);
      console.log(format === "text" ? report : summaryLine(result));
      if (format !== "text" && result.uncontained) console.log(uncontainedLine(result.uncontained));
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

/** What is wrong with the options, in one line, or undefined. */
function invalidOption(values: {
  format: string;
  mode: string;
  timeout: string;
  program?: string;
  stack?: string;
  "stack-export"?: string;
  "pass-env": string[];
}): string | undefined {
  if (!REPORT_FORMATS.includes(values.format as ReportFormat)) {
    return `unknown format "${values.format}"`;
  }
  if (!CHECK_MODES.includes(values.mode as CheckMode)) return `unknown mode "${values.mode}"`;
  if (!(Number(values.timeout) > 0)) {
    return `--timeout must be a number of seconds above 0, not "${values.timeout}"`;
  }
  if (
    values["stack-export"] !== undefined &&
    (values.program !== undefined || values.stack !== undefined)
  ) {
    return "--stack-export judges a deployed stack: give it without --program or --stack";
  }
  const refused = values["pass-env"].filter(isCredential);
  if (refused.length > 0) {
    return `--pass-env ${refused.join(", ")}: cloud credentials and tokens (AWS_*, PULUMI_ACCESS_TOKEN, GITHUB_TOKEN, ACTIONS_*_TOKEN*) never reach the program`;
  }
  return undefined;
}

main()
  .then((status) => process.exit(status))
  .catch((error: unknown) => {
    console.error(`Policy check could not run: ${error instanceof Error ? error.message : error}`);
    process.exit(2);
  });
