// What API Gateway does with a Lambda authorizer's answer: check its shape, then evaluate its IAM
// policy against the request's method ARN (an explicit Deny wins, no matching Allow is a denial).
import type { APIGatewayAuthorizerResult } from "aws-lambda";

export type AuthorizerDecision =
  | {
      kind: "allow";
      principalId: string;
      usageIdentifierKey: string | undefined;
      context: Record<string, string | number | boolean>;
    }
  | { kind: "deny" }
  /** An answer API Gateway cannot use: it answers 500 (AUTHORIZER_FAILURE). */
  | { kind: "invalid" };

interface Statement {
  Effect?: unknown;
  Action?: unknown;
  Resource?: unknown;
}

export function evaluateAuthorizerResult(result: unknown, methodArn: string): AuthorizerDecision {
  if (typeof result !== "object" || result === null) return { kind: "invalid" };
  const answer = result as Partial<APIGatewayAuthorizerResult> & Record<string, unknown>;
  if (typeof answer.principalId !== "string" || answer.principalId === "") {
    return { kind: "invalid" };
  }
  const statements = statementsOf(answer.policyDocument);
  if (statements === undefined) return { kind: "invalid" };
  const context = contextOf(answer.context);
  if (context === undefined) return { kind: "invalid" };

  // IAM compares actions case-insensitively and resources case-sensitively.
  const applies = (statement: Statement) =>
    matchesAny(statement.Action, "execute-api:invoke", true) &&
    matchesAny(statement.Resource, methodArn, false);
  const denied = statements.some((s) => s.Effect === "Deny" && applies(s));
  const allowed = statements.some((s) => s.Effect === "Allow" && applies(s));
  if (denied || !allowed) return { kind: "deny" };
  return {
    kind: "allow",
    principalId: answer.principalId,
    usageIdentifierKey:
      typeof answer.usageIdentifierKey === "string" ? answer.usageIdentifierKey : undefined,
    context,
  };
}

function statementsOf(policyDocument: unknown): Statement[] | undefined {
  if (typeof policyDocument !== "object" || policyDocument === null) return undefined;
  const statement = (policyDocument as { Statement?: unknown }).Statement;
  const list = Array.isArray(statement) ? statement : [statement];
  if (list.some((entry) => typeof entry !== "object" || entry === null)) return undefined;
  return list as Statement[];
}

/** The context map may only hold strings, numbers and booleans (no objects or arrays). */
function contextOf(context: unknown): Record<string, string | number | boolean> | undefined {
  if (context === undefined || context === null) return {};
  if (typeof context !== "object" || Array.isArray(context)) return undefined;
  const entries = Object.entries(context as Record<string, unknown>);
  if (entries.some(([, value]) => !["string", "number", "boolean"].includes(typeof value))) {
    return undefined;
  }
  return Object.fromEntries(entries) as Record<string, string | number | boolean>;
}

function matchesAny(patterns: unknown, value: string, ignoreCase: boolean): boolean {
  const list = Array.isArray(patterns) ? patterns : [patterns];
  return list.some(
    (pattern) =>
      typeof pattern === "string" &&
      wildcardMatch(ignoreCase ? pattern.toLowerCase() : pattern, value),
  );
}

/** IAM wildcards: `*` any run of characters, `?` any one character. */
export function wildcardMatch(pattern: string, value: string): boolean {
  const source = pattern
    .split("")
    .map((char) =>
      char === "*" ? ".*" : char === "?" ? "." : char.replace(/[.+^${}()|[\]\\]/g, "\\$&"),
    )
    .join("");
  return new RegExp(`^${source}$`, "s").test(value);
}
