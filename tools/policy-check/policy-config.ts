// A `--policy-pack-config` file turned into what the CLI sends the pack: for every policy, its
// enforcement level and its config with the schema's defaults filled in, validated against the
// policy's schema (the pack itself applies neither).
import Ajv from "ajv";
import { readFileSync } from "node:fs";
import { isRealDate } from "../../policy-pack/policies/waivers";
import type { EnforcementLevel, PackInfo, PolicyConfigEntry } from "./analyzer-client";

const LEVELS: EnforcementLevel[] = ["advisory", "mandatory", "disabled", "remediate"];

export class PolicyConfigError extends Error {}

type FileEntry =
  EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>);

export function readPolicyConfigFile(path: string | undefined): Record<string, FileEntry> {
  if (path === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new PolicyConfigError(
      `cannot read the policy pack config ${path}: ${error instanceof Error ? error.message : error}`,
    );
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new PolicyConfigError(`${path} must hold a JSON object keyed by policy name`);
  }
  return parsed as Record<string, FileEntry>;
}

export function resolvePolicyConfig(
  pack: PackInfo,
  file: Record<string, FileEntry>,
): Record<string, PolicyConfigEntry> {
  const known = new Set(pack.policies.map((policy) => policy.name));
  const unknown = Object.keys(file).filter((name) => name !== "all" && !known.has(name));
  const waived = unknown.find((name) => hasWaivers(file[name]));
  if (waived) {
    throw new PolicyConfigError(
      `invalid waiver: policy "${waived}", waiver 1, field "policy": ${pack.name} has no policy "${waived}", so its waivers waive nothing`,
    );
  }
  if (unknown.length > 0) {
    throw new PolicyConfigError(
      `the policy pack config names ${unknown.map((name) => `"${name}"`).join(", ")}, which ${pack.name} does not have`,
    );
  }
  const all = levelOf(file.all, "all");
  const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false });
  // As the CLI's JSON Schema validator does: a "date" is a real calendar day.
  ajv.addFormat("date", isRealDate);
  const resolved: Record<string, PolicyConfigEntry> = {};
  for (const policy of pack.policies) {
    const entry = file[policy.name];
    const { enforcementLevel, ...properties } =
      typeof entry === "object" && entry !== null ? entry : { enforcementLevel: undefined };
    const level = levelOf(typeof entry === "string" ? entry : enforcementLevel, policy.name);
    const schema = { type: "object", ...(policy.configSchema ?? { properties: {} }) };
    const validate = ajv.compile(schema);
    if (!validate(properties)) {
      const problems = (validate.errors ?? [])
        .filter((error) => error.keyword !== "pattern" || !error.instancePath.endsWith("/expires"))
        .map((error) => {
          const extra = (error.params as { additionalProperty?: string }).additionalProperty;
          return `${where(error.instancePath, properties)} ${error.message}${extra ? ` ("${extra}")` : ""}`;
        })
        .join("; ");
      throw new PolicyConfigError(`invalid config for policy "${policy.name}": ${problems}`);
    }
    resolved[policy.name] = {
      enforcementLevel: level ?? all ?? policy.enforcementLevel,
      properties,
    };
  }
  return resolved;
}

function hasWaivers(entry: FileEntry | undefined): boolean {
  return typeof entry === "object" && entry !== null && "waivers" in entry;
}

/** A config path as people read it: `waivers[0] (resource "post").expires`. */
function where(path: string, properties: Record<string, unknown>): string {
  const waiver = /^\/waivers\/(\d+)(\/.*)?$/.exec(path);
  if (!waiver) return path || "(config)";
  const list = properties.waivers as Array<{ resource?: unknown }>;
  const resource = list[Number(waiver[1])]?.resource;
  const named = typeof resource === "string" ? ` (resource ${JSON.stringify(resource)})` : "";
  return `waiver ${Number(waiver[1]) + 1}${named}${waiver[2] ? `, field "${waiver[2].slice(1)}"` : ""}`;
}

function levelOf(value: unknown, name: string): EnforcementLevel | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "string" && (LEVELS as string[]).includes(value)) {
    return value as EnforcementLevel;
  }
  throw new PolicyConfigError(
    `"${name}": enforcement level ${JSON.stringify(value)} is not one of ${LEVELS.join(", ")}`,
  );
}
