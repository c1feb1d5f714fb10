// The policy pack's list, from the policies themselves (policy-pack/policies/index.ts, which does
// not construct the PolicyPack, so nothing starts a policy server): the table in
// docs/policy-pack.md and the description in policy-pack/PulumiPolicy.yaml.
import type { Policy } from "@pulumi/policy";
import { policies } from "../../policy-pack/policies";
import { code, escapeText, table, wrap } from "./markdown";

interface SchemaProperty {
  default?: unknown;
}

/** Each setting of a policy's config schema, with its default: `maxTtl` (900). */
function settingsOf(policy: Policy): string {
  const properties = (policy.configSchema?.properties ?? {}) as Record<string, SchemaProperty>;
  return Object.entries(properties)
    .map(([key, property]) =>
      property.default === undefined
        ? code(key)
        : `${code(key)} (${escapeText(JSON.stringify(property.default))})`,
    )
    .join(", ");
}

export function policyTable(list: readonly Policy[] = policies): string {
  return table(
    ["policy", "level", "what it checks", "settings (default)"],
    list.map((policy) => [
      code(policy.name),
      policy.enforcementLevel ?? "advisory",
      escapeText(policy.description),
      settingsOf(policy),
    ]),
  );
}

const WIDTH = 100;

/**
 * PulumiPolicy.yaml with its description made of the pack's summary (policy-pack/package.json)
 * and the policies by level; the rest of the file is kept as written.
 */
export function packManifest(
  manifest: string,
  summary: string,
  list: readonly Policy[] = policies,
): string {
  const names = (level: string) =>
    list
      .filter((policy) => (policy.enforcementLevel ?? "advisory") === level)
      .map((policy) => policy.name)
      .join(", ");
  const text = `${summary.replace(/\.$/, "")}. Mandatory: ${names("mandatory")}. Advisory: ${names("advisory")}.`;
  const block = [`description: >-`, ...wrap(text, WIDTH - 2).map((line) => `  ${line}`)];
  const lines = manifest.split("\n");
  const start = lines.findIndex((line) => line.startsWith("description:"));
  if (start < 0) throw new Error("PulumiPolicy.yaml has no description");
  let end = start + 1;
  while (end < lines.length && lines[end].startsWith("  ")) end++;
  return [...lines.slice(0, start), ...block, ...lines.slice(end)].join("\n");
}
