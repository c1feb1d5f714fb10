// `npm run policy`: checks a Pulumi program against the policy pack with no cloud and no CLI.
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
  uncontainedLine,
  type ReportFormat,
} from "./policy-check/report";
import { killAllChildren } from "./policy-check/child-processes";
import { isCredential } from "./policy-check/program-environment";
import { CheckError, DEFAULT_TIMEOUT_MS, runPolicyCheck } from "./policy-check/run-check";

const USAGE = `usage: npm run policy -- [--program DIR] [--stack NAME] [--policy-pack DIR]
                         [--policy-pack-config FILE] [--format text|json|junit|sarif] [--output FILE]
                         [--timeout SECONDS]  (each wait: program, pack start, each call; default ${DEFAULT_TIMEOUT_MS / 1000})
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
        program: { type: "string", default: PROJECT_ROOT },
        stack: { type: "string", default: "prod" },
        "policy-pack": { type: "string", default: resolve(PROJECT_ROOT, "policy-pack") },
        "policy-pack-config": { type: "string" },
        format: { type: "string", default: "text" },
        output: { type: "string" },
        timeout: { type: "string", default: String(DEFAULT_TIMEOUT_MS / 1000) },
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
  const format = values.format as ReportFormat;
  if (!REPORT_FORMATS.includes(format)) {
    console.error(`unknown format "${values.format}"\n${USAGE}`);
    return 2;
  }
  const timeoutSeconds = Number(values.timeout);
  if (!(timeoutSeconds > 0)) {
    console.error(
      `--timeout must be a number of seconds above 0, not "${values.timeout}"\n${USAGE}`,
    );
    return 2;
  }
  const refused = values["pass-env"].filter(isCredential);
  if (refused.length > 0) {
    console.error(
      `--pass-env ${refused.join(", ")}: cloud credentials and tokens (AWS_*, PULUMI_ACCESS_TOKEN, GITHUB_TOKEN, ACTIONS_*_TOKEN*) never reach the program\n${USAGE}`,
    );
    return 2;
  }
  try {
    const result = await runPolicyCheck({
      programDir: values.program,
      stackName: values.stack,
      packDir: values["policy-pack"],
      policyConfigFile: values["policy-pack-config"],
      timeoutMs: timeoutSeconds * 1000,
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

main()
  .then((status) => process.exit(status))
  .catch((error: unknown) => {
    console.error(`Policy check could not run: ${error instanceof Error ? error.message : error}`);
    process.exit(2);
  });
