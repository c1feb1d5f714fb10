// Whether a resource-based policy document (a topic, queue, bucket or event bus policy) lets anyone
// perform an action. The document may be JSON text or an object (the form @pulumi/aws also takes,
// which keeps its literal parts readable at preview when a `Resource` is an unknown ARN).
import { UNKNOWN, dig, type Known } from "./stack-resources";

/** Condition keys that tie a statement to known callers. */
const SCOPING_KEYS = new Set([
  "aws:sourcearn",
  "aws:sourceaccount",
  "aws:sourceowner",
  "aws:sourceorgid",
  "aws:principalorgid",
  "aws:principalaccount",
  "aws:principalarn",
  "aws:sourcevpc",
  "aws:sourcevpce",
  "aws:sourceip",
]);
/** Operators that must match for the statement to apply (`...IfExists` applies when the key is absent). */
const MATCHING_OPERATOR =
  /^(ForAnyValue:|ForAllValues:)?(StringEquals|StringLike|ArnEquals|ArnLike|IpAddress)$/i;
const SERVICE = /\.amazonaws\.com(\.cn)?$/;
const OPEN_NETWORKS = new Set(["0.0.0.0/0", "::/0"]);

/**
 * Why `document` lets anyone (or any account's AWS service) perform one of `actions`: a reason
 * naming the statement, undefined when no statement does, UNKNOWN when it cannot be read.
 */
export function publicGrant(document: unknown, actions: readonly string[]): Known<string> {
  if (document === UNKNOWN) return UNKNOWN;
  if (document === undefined || document === null || document === "") return undefined;
  let parsed: unknown = document;
  if (typeof document === "string") {
    try {
      parsed = JSON.parse(document);
    } catch {
      return UNKNOWN;
    }
  }
  const statements = dig(parsed, "Statement");
  if (statements === UNKNOWN) return UNKNOWN;
  const list = Array.isArray(statements) ? statements : [statements];
  for (let index = 0; index < list.length; index += 1) {
    const reason = statementGrant(list, index, actions);
    if (reason !== undefined) return reason;
  }
  return undefined;
}

function statementGrant(list: unknown[], index: number, actions: readonly string[]): Known<string> {
  const field = (name: string) => dig(list, index, name);
  const effect = field("Effect");
  if (effect !== "Allow" && effect !== UNKNOWN) return undefined;
  const granted = grantedActions(field("Action"), field("NotAction"), actions);
  if (granted === UNKNOWN) return UNKNOWN;
  if (granted.length === 0) return undefined;
  const label = `statement ${index} (${String(field("Sid") ?? "no Sid")})`;
  const what = granted.join(", ");
  const notPrincipal = field("NotPrincipal");
  if (notPrincipal !== undefined && notPrincipal !== null) {
    return `${label} allows ${what} to everyone but its NotPrincipal`;
  }
  const principals = principalsOf(field("Principal"));
  if (principals === UNKNOWN) return UNKNOWN;
  if (scoped(field("Condition"))) return undefined;
  if (principals.includes("*")) {
    return `${label} allows ${what} to Principal "*" with no condition that scopes it to known accounts`;
  }
  const service = principals.find((principal) => SERVICE.test(principal));
  if (service) {
    return `${label} allows ${what} to ${service} with no aws:SourceArn or aws:SourceAccount condition, so that service acting for any account may do it`;
  }
  return undefined;
}

/** Which of `actions` a statement's Action (or NotAction) covers, wildcards included. */
function grantedActions(
  action: unknown,
  notAction: unknown,
  actions: readonly string[],
): string[] | typeof UNKNOWN {
  const patterns = (value: unknown) =>
    value === UNKNOWN ? UNKNOWN : [value ?? []].flat().filter((item) => typeof item === "string");
  if (notAction !== undefined && notAction !== null) {
    const excluded = patterns(notAction);
    if (excluded === UNKNOWN) return UNKNOWN;
    return actions.filter((wanted) => !excluded.some((pattern) => matches(pattern, wanted)));
  }
  const included = patterns(action);
  if (included === UNKNOWN) return UNKNOWN;
  return actions.filter((wanted) => included.some((pattern) => matches(pattern, wanted)));
}

/** IAM's matching of an action pattern: case-insensitive, `*` and `?` wildcards. */
export function matches(pattern: string, action: string): boolean {
  const regex = pattern
    .split("")
    .map((char) =>
      char === "*" ? ".*" : char === "?" ? "." : char.replace(/[.+^${}()|[\]\\]/g, "\\$&"),
    )
    .join("");
  return new RegExp(`^${regex}$`, "i").test(action);
}

function principalsOf(principal: unknown): string[] | typeof UNKNOWN {
  if (principal === UNKNOWN) return UNKNOWN;
  if (typeof principal === "string") return [principal];
  if (principal === null || typeof principal !== "object") return [];
  const values: string[] = [];
  for (const key of Object.keys(principal)) {
    const value = dig(principal, key);
    if (value === UNKNOWN) return UNKNOWN;
    values.push(...[value].flat().filter((item): item is string => typeof item === "string"));
  }
  return values;
}

/** A matching operator on a scoping key whose every value names specific callers. */
function scoped(condition: unknown): boolean {
  if (condition === UNKNOWN) return true;
  if (condition === null || typeof condition !== "object") return false;
  return Object.keys(condition).some((operator) => {
    if (!MATCHING_OPERATOR.test(operator)) return false;
    const test = dig(condition, operator);
    if (test === UNKNOWN) return true;
    if (test === null || typeof test !== "object") return false;
    return Object.keys(test).some((key) => {
      if (!SCOPING_KEYS.has(key.toLowerCase())) return false;
      const values = [dig(test, key)].flat();
      return values.length > 0 && values.every((value) => specific(key, value));
    });
  });
}

/** A value that names callers: not a wildcard where the account or resource stands. */
function specific(key: string, value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (typeof value !== "string" || value === "") return false;
  if (/^aws:sourceip$/i.test(key)) return !OPEN_NETWORKS.has(value);
  if (!value.startsWith("arn:")) return !/[*?]/.test(value);
  const [, , , , account, ...rest] = value.split(":");
  if (account === undefined) return false;
  if (/^\d{12}$/.test(account)) return true;
  // S3 ARNs have no account: the bucket name must then be literal.
  return account === "" && rest.length > 0 && !/[*?]/.test(rest.join(":"));
}
