// Waivers: one policy, one resource, a reason, an owner and an expiry date. The rules (what makes a
// waiver valid, which violation it waives, until when) and the texts the pack reports them with,
// which the offline check reads back. Pure: no clock (today is passed in), no Pulumi at run time.
import type { PolicyConfigSchema } from "@pulumi/policy";

type PolicyConfigJSONSchema = PolicyConfigSchema["properties"][string];

export interface Waiver {
  /** A URN, or a logical name that names exactly one resource of the stack. */
  resource: string;
  reason: string;
  owner: string;
  /** YYYY-MM-DD: the first day the waiver no longer applies. */
  expires: string;
}

export const WAIVER_FIELDS = ["resource", "reason", "owner", "expires"] as const;
export const DEFAULT_MAX_WAIVER_DAYS = 180;

/** The `waivers` property every policy of the pack accepts (the CLI validates it before the pack). */
export const WAIVERS_SCHEMA: PolicyConfigJSONSchema = {
  type: "array",
  description:
    "Exceptions to this policy, each for one resource (its URN or logical name, no wildcards), with a reason, an owner and an expiry date (YYYY-MM-DD).",
  items: {
    type: "object",
    additionalProperties: false,
    required: [...WAIVER_FIELDS],
    properties: {
      resource: { type: "string", minLength: 1, pattern: "^[^*?]+$" },
      reason: { type: "string", minLength: 1 },
      owner: { type: "string", minLength: 1 },
      expires: { type: "string", format: "date", pattern: "^\\d{4}-\\d{2}-\\d{2}$" },
    },
  },
};

/** A real calendar day written YYYY-MM-DD (so not 2026-02-30). */
export function isRealDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

/** Today in UTC, YYYY-MM-DD. */
export function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  return utcDay(new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000));
}

/**
 * Why a policy's `waivers` cannot be used, as one line naming the policy, the waiver and the field,
 * or undefined when every waiver is valid.
 */
export function waiversProblem(
  policy: string,
  waivers: unknown,
  today: string,
  maxDays: number,
): string | undefined {
  if (waivers === undefined) return undefined;
  if (!Array.isArray(waivers)) return `invalid waivers for policy "${policy}": must be a list`;
  for (const [index, waiver] of waivers.entries()) {
    const record = (typeof waiver === "object" && waiver !== null ? waiver : {}) as Record<
      string,
      unknown
    >;
    const named =
      typeof record.resource === "string" && record.resource
        ? ` (resource ${JSON.stringify(record.resource)})`
        : "";
    const at = (field: string, problem: string) =>
      `invalid waiver: policy "${policy}", waiver ${index + 1}${named}, field "${field}": ${problem}`;
    for (const field of WAIVER_FIELDS) {
      const value = record[field];
      if (typeof value !== "string" || value.trim() === "") {
        return at(field, value === undefined ? "missing" : "must be a non-empty string");
      }
    }
    const extra = Object.keys(record).find(
      (key) => !(WAIVER_FIELDS as readonly string[]).includes(key),
    );
    if (extra) return at(extra, `unknown field; a waiver has ${WAIVER_FIELDS.join(", ")}`);
    const { resource, expires } = record as unknown as Waiver;
    if (/[*?]/.test(resource)) return at("resource", "names one resource; wildcards are refused");
    if (!isRealDate(expires)) return at("expires", `${expires} is not a real date (YYYY-MM-DD)`);
    const latest = addDays(today, maxDays);
    if (expires > latest) {
      return at(
        "expires",
        `${expires} is more than ${maxDays} days away (maxWaiverDays); the latest allowed today is ${latest}`,
      );
    }
  }
  return undefined;
}

/** The logical name in a URN (its last `::` part). */
export function logicalName(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

/** Whether a waiver names this resource: its full URN, or its logical name. */
export function names(waiver: Waiver, urn: string): boolean {
  return waiver.resource === urn || waiver.resource === logicalName(urn);
}

export function isActive(waiver: Waiver, today: string): boolean {
  return today < waiver.expires;
}

// The texts the pack reports, whose first line the offline check reads back.
const WAIVED = /^Waived until (\d{4}-\d{2}-\d{2}) by the waiver for ("(?:[^"\\]|\\.)*")/;
const UNUSED = /^Unused waiver for ("(?:[^"\\]|\\.)*")/;

export function waivedText(waiver: Waiver, violation: string): string {
  return `Waived until ${waiver.expires} by the waiver for ${JSON.stringify(waiver.resource)} (owner: ${waiver.owner}; reason: ${waiver.reason}).\nThe violation: ${violation}`;
}

export function expiredText(waiver: Waiver, violation: string): string {
  return `${violation}\nThe waiver for ${JSON.stringify(waiver.resource)} (owner: ${waiver.owner}) expired on ${waiver.expires}, so this violation counts again. Fix the resource, or renew the waiver with a new expiry.`;
}

export function unusedText(waiver: Waiver, why: string): string {
  return `Unused waiver for ${JSON.stringify(waiver.resource)} (owner: ${waiver.owner}, expires ${waiver.expires}): ${why}. It waives nothing; remove it.`;
}

/** What a reported message says about a waiver, read back from its first line. */
export function waiverNote(
  message: string,
): { kind: "waived" | "unused"; resource: string } | undefined {
  const waived = WAIVED.exec(message);
  if (waived) return { kind: "waived", resource: JSON.parse(waived[2]) as string };
  const unused = UNUSED.exec(message);
  if (unused) return { kind: "unused", resource: JSON.parse(unused[1]) as string };
  return undefined;
}
