// The check's results as people and CI tools read them: a text report shaped like the policy
// section of `pulumi preview`, and JSON, JUnit XML and SARIF 2.1.0 for CI annotations.
import type { Diagnostic, PackInfo } from "./analyzer-client";
import type { Finding } from "./waiver-notes";

export interface CheckResult {
  pack: PackInfo;
  /** How the pack is named in the report, e.g. "local: policy-pack". */
  packSource: string;
  programDir: string;
  /** The program's entry, relative to the working directory: where SARIF results point. */
  programEntry: string;
  stackName: string;
  resourceCount: number;
  diagnostics: Finding[];
  durationMs: number;
  /** Set when a `pulumi stack export` was judged instead of a program. */
  stackExport?: { skipped: Record<string, number>; secretResources: number };
  /** How a program ran: as a preview, an update, or both (unset for a stack export). */
  mode?: "preview" | "update" | "both";
  /** Resources only the update pass registered (made where values are known, inside `apply`). */
  updateOnly?: string[];
  /** Why the program ran uncontained (see containment.ts); absent when it ran contained. */
  uncontained?: string;
}

export const REPORT_FORMATS = ["text", "json", "junit", "sarif"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function mandatory(result: CheckResult): Diagnostic[] {
  return result.diagnostics.filter((diagnostic) => diagnostic.enforcementLevel === "mandatory");
}

export function waived(result: CheckResult): Finding[] {
  return result.diagnostics.filter((diagnostic) => diagnostic.waiver?.status === "waived");
}

export function summaryLine(result: CheckResult): string {
  const blocking = mandatory(result).length;
  const waivedCount = waived(result).length;
  const advisory = result.diagnostics.length - blocking - waivedCount;
  const verdict = blocking > 0 ? "FAILED" : "passed";
  return (
    `Policy check ${verdict}: ${plural(blocking, "mandatory violation")}, ` +
    (waivedCount > 0 ? `${plural(waivedCount, "waived violation")}, ` : "") +
    `${plural(advisory, "advisory warning")}; ${plural(result.resourceCount, "resource")} of stack ` +
    `"${result.stackName}" checked against ${plural(result.pack.policies.length, "policy", "policies")} ` +
    `of ${result.pack.name}@v${result.pack.version} in ${(result.durationMs / 1000).toFixed(1)} s.`
  );
}

export function formatReport(result: CheckResult, format: ReportFormat): string {
  switch (format) {
    case "text":
      return [textReport(result), ...updateOnlyLines(result.updateOnly ?? [])].join("\n");
    case "json":
      return JSON.stringify(jsonReport(result), null, 2);
    case "junit":
      return junitReport(result);
    case "sarif":
      return JSON.stringify(sarifReport(result), null, 2);
  }
}

function resourceLabel(urn: string): string {
  const parts = urn.split("::");
  if (parts.length < 4) return "stack";
  const type = parts[2].split("$").pop();
  return `${type}: ${parts[3]}`;
}

function textReport(result: CheckResult): string {
  const icon = mandatory(result).length > 0 ? "❌" : result.diagnostics.length > 0 ? "⚠️" : "✅";
  const lines = [
    "Policies:",
    `    ${icon} ${result.pack.name}@v${result.pack.version} (${result.packSource})`,
  ];
  for (const diagnostic of result.diagnostics) {
    // The pack's message names the waiver, its owner, reason and expiry.
    const level = diagnostic.waiver?.status === "waived" ? "waived" : diagnostic.enforcementLevel;
    lines.push(
      `        - [${level}]  ${diagnostic.policyName}  (${resourceLabel(diagnostic.urn)})`,
      `          ${diagnostic.description}`,
      ...diagnostic.message.split("\n").map((line) => `          ${line}`),
    );
  }
  const skipped = skippedLine(result);
  if (result.uncontained) lines.push("", uncontainedLine(result.uncontained));
  lines.push("", ...(skipped ? [skipped] : []), summaryLine(result));
  return lines.join("\n");
}

export function uncontainedLine(why: string): string {
  return `the program ran uncontained: ${why}`;
}

/** For a stack export: what the pack did not judge, and what it saw as unknown. */
function skippedLine(result: CheckResult): string | undefined {
  if (!result.stackExport) return undefined;
  const { skipped, secretResources } = result.stackExport;
  const counts = Object.entries(skipped);
  const total = counts.reduce((sum, [, count]) => sum + count, 0);
  const parts = [
    total > 0
      ? `Skipped ${plural(total, "resource")} of providers the pack does not judge (${counts.map(([name, count]) => `${name}: ${count}`).join(", ")}).`
      : "",
    secretResources > 0
      ? `${plural(secretResources, "resource")} with secret values, judged as unknown (never decrypted).`
      : "",
  ].filter(Boolean);
  return parts.length ? parts.join(" ") : undefined;
}

function jsonReport(result: CheckResult) {
  return {
    policyPack: { name: result.pack.name, version: result.pack.version, source: result.packSource },
    program: result.programDir,
    stack: result.stackName,
    resourceCount: result.resourceCount,
    ...(result.stackExport
      ? {}
      : {
          contained: !result.uncontained,
          ...(result.uncontained ? { uncontained: uncontainedLine(result.uncontained) } : {}),
        }),
    passed: mandatory(result).length === 0,
    violations: result.diagnostics.map((diagnostic) => ({
      policy: diagnostic.policyName,
      enforcementLevel: diagnostic.enforcementLevel,
      urn: diagnostic.urn,
      resource: resourceLabel(diagnostic.urn),
      description: diagnostic.description,
      message: diagnostic.message,
      ...(diagnostic.waiver ? { waiver: diagnostic.waiver } : {}),
    })),
    ...(result.mode ? { mode: result.mode, updateOnly: result.updateOnly ?? [] } : {}),
    ...(result.stackExport
      ? {
          skippedResources: result.stackExport.skipped,
          secretResources: result.stackExport.secretResources,
        }
      : {}),
    summary: summaryLine(result),
  };
}

function junitReport(result: CheckResult): string {
  const failures = mandatory(result).length;
  const waivedCases = waived(result).map(
    (diagnostic) =>
      `    <testcase classname="${xml(result.pack.name)}" name="${xml(`${diagnostic.policyName} (${resourceLabel(diagnostic.urn)})`)}">\n` +
      `      <skipped message="${xml(`waived until ${diagnostic.waiver!.expires} by ${diagnostic.waiver!.owner}: ${diagnostic.waiver!.reason}`)}"/>\n` +
      "    </testcase>",
  );
  const tests = result.pack.policies.length + waivedCases.length;
  const cases = result.pack.policies.map((policy) => {
    const found = result.diagnostics.filter(
      (diagnostic) =>
        diagnostic.policyName === policy.name && diagnostic.waiver?.status !== "waived",
    );
    const blocking = found.filter((diagnostic) => diagnostic.enforcementLevel === "mandatory");
    const body = [
      ...blocking.map(
        (diagnostic) =>
          `      <failure type="mandatory" message="${xml(diagnostic.message)}">${xml(
            `${resourceLabel(diagnostic.urn)}\n${diagnostic.urn}\n${diagnostic.description}`,
          )}</failure>`,
      ),
      ...(found.length > blocking.length
        ? [
            `      <system-out>${xml(
              found
                .filter((diagnostic) => diagnostic.enforcementLevel !== "mandatory")
                .map((d) => `[${d.enforcementLevel}] ${resourceLabel(d.urn)}: ${d.message}`)
                .join("\n"),
            )}</system-out>`,
          ]
        : []),
    ];
    const open = `    <testcase classname="${xml(result.pack.name)}" name="${xml(policy.name)}"`;
    return body.length ? `${open}>\n${body.join("\n")}\n    </testcase>` : `${open}/>`;
  });
  const suiteFailures = new Set(mandatory(result).map((d) => d.policyName)).size;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="pulumi-policy-check" tests="${tests}" failures="${suiteFailures}" skipped="${waivedCases.length}" time="${(result.durationMs / 1000).toFixed(3)}">`,
    `  <testsuite name="${xml(result.pack.name)}" tests="${tests}" failures="${suiteFailures}" errors="0" skipped="${waivedCases.length}" time="${(result.durationMs / 1000).toFixed(3)}">`,
    `    <properties><property name="stack" value="${xml(result.stackName)}"/><property name="violations" value="${failures}"/></properties>`,
    ...cases,
    ...waivedCases,
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
}

function sarifReport(result: CheckResult) {
  const rules = result.pack.policies.map((policy) => ({
    id: policy.name,
    shortDescription: { text: policy.description },
    defaultConfiguration: { level: sarifLevel(policy.enforcementLevel) },
  }));
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: result.pack.name,
            version: result.pack.version,
            informationUri: "https://www.pulumi.com/docs/iac/crossguard/",
            rules,
          },
        },
        results: result.diagnostics.map((diagnostic) => ({
          ruleId: diagnostic.policyName,
          ruleIndex: Math.max(
            0,
            result.pack.policies.findIndex((policy) => policy.name === diagnostic.policyName),
          ),
          level: sarifLevel(diagnostic.enforcementLevel),
          // A waiver is a suppression decided outside the code: SARIF's "external" kind.
          ...(diagnostic.waiver?.status === "waived"
            ? { suppressions: [{ kind: "external", justification: diagnostic.waiver.reason }] }
            : {}),
          message: { text: `${resourceLabel(diagnostic.urn)}: ${diagnostic.message}` },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: result.programEntry },
                region: { startLine: 1 },
              },
              logicalLocations: [
                {
                  fullyQualifiedName: diagnostic.urn,
                  name: resourceLabel(diagnostic.urn),
                  kind: "resource",
                },
              ],
            },
          ],
        })),
      },
    ],
  };
}

function sarifLevel(level: string): "error" | "warning" | "none" {
  return level === "mandatory" || level === "remediate"
    ? "error"
    : level === "advisory"
      ? "warning"
      : "none";
}

function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : nouns}`;
}

function xml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .split("")
    .filter((char) => char >= " " || char === "\n" || char === "\t" || char === "\r")
    .join("");
}

/** Resources the preview never saw: made inside `apply`, where values are known at an update. */
function updateOnlyLines(urns: string[]): string[] {
  if (urns.length === 0) return [];
  return [
    "",
    `Registered only by the update pass (${urns.length}; made where values are known, e.g. inside apply):`,
    ...urns.map((urn) => `    ${urn}`),
  ];
}
