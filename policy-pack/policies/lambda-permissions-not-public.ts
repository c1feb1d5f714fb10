import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { TYPES, UNKNOWN, describe, ofType, read } from "./stack-resources";

const INVOKE_ACTIONS = ["lambda:InvokeFunction", "lambda:InvokeFunctionUrl", "lambda:InvokeAsync"];
const SERVICE = /\.amazon(aws)?\.com$/;

/** Whether an action (IAM wildcards `*` and `?` included: "*", "lambda:*", "lambda:Inv*") invokes. */
export function grantsInvoke(action: string): boolean {
  const escaped = action.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  const pattern = new RegExp(`^${escaped.replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "i");
  return INVOKE_ACTIONS.some((invoke) => pattern.test(invoke));
}

/**
 * Why a source ARN does not scope a grant to one resource of one account: a wildcard (or nothing)
 * where the account stands, or where the API id (the resource's name) stands.
 */
export function arnScopeProblem(arn: string): string | undefined {
  const parts = arn.split(":");
  if (parts.length < 6 || parts[0] !== "arn") return "is not an ARN";
  const [, , service, , account] = parts;
  const resource = parts.slice(5).join(":");
  const wild = (value: string) => /[*?]/.test(value);
  if (wild(account) || (service === "execute-api" && account === "")) {
    return "has a wildcard where the account stands";
  }
  const name = service === "execute-api" ? resource.split("/")[0] : resource.split(/[/:]/)[0];
  if (name === "" || wild(name)) {
    return `has a wildcard where the ${service === "execute-api" ? "API id" : "resource name"} stands`;
  }
  return undefined;
}

/**
 * A resource policy that lets anyone invoke a function is an entry point with no authorizer and
 * no rate limit. A service principal without `sourceArn` is as open: any API Gateway (or bucket,
 * rule...) of any account can then call the function.
 */
export const lambdaPermissionsNotPublic: StackValidationPolicy = {
  name: "lambda-permissions-not-public",
  description:
    'Lambda permissions (aws.lambda.Permission, aws.lambda.ResourcePolicy) must not let everyone invoke a function (invoke wildcards such as "*", "lambda:*", "lambda:Inv*" included): principal "*" or NotPrincipal (unless scoped by a source ARN, sourceAccount or principalOrgId), or a service principal without a source ARN naming one API (resource) of one account.',
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    'Grant lambda:InvokeFunction to the service that fronts the function (apigateway.amazonaws.com) with `sourceArn` set to that API\'s execution ARN (for example `${api.executionArn}/*/*`), never to "*".',
  // No options beyond the enforcement level every policy takes.
  configSchema: { properties: {} },
  validateStack: (args, reportViolation) => {
    for (const permission of ofType(args.resources, TYPES.lambdaPermission)) {
      const action = read(permission, "action");
      if (typeof action === "string" && !grantsInvoke(action)) continue;
      const problem = openProblem(permission);
      if (problem) {
        reportViolation(
          `${describe(permission)} (${String(action)} on function ${target(permission)}) ${problem}`,
          permission.urn,
        );
      }
    }
    for (const policy of ofType(args.resources, TYPES.lambdaResourcePolicy)) {
      for (const problem of documentProblems(read(policy, "policy"))) {
        reportViolation(`${describe(policy)}${problem}`, policy.urn);
      }
    }
  },
};

function openProblem(permission: PolicyResource): string | undefined {
  const principal = read(permission, "principal");
  const sourceArn = read(permission, "sourceArn");
  const arnProblem = typeof sourceArn === "string" ? arnScopeProblem(sourceArn) : undefined;
  // Unknown at preview: computed from a resource of the stack (the API's execution ARN).
  const arnScoped = sourceArn === UNKNOWN || (typeof sourceArn === "string" && !arnProblem);
  const scoped = (property: string) => {
    const value = read(permission, property);
    return value === UNKNOWN || (typeof value === "string" && value !== "" && !/[*?]/.test(value));
  };
  if (principal === UNKNOWN) {
    return "has a principal not known before deployment, so it cannot be shown not to be public. Set the principal to a literal service or account.";
  }
  if (principal === "*") {
    if (arnScoped || scoped("sourceAccount") || scoped("principalOrgId")) return undefined;
    const url = read(permission, "functionUrlAuthType");
    const how = url === "NONE" ? ", through a function URL with no auth" : "";
    const arn = arnProblem ? ` (its sourceArn "${String(sourceArn)}" ${arnProblem})` : "";
    return `lets everyone (principal "*") invoke the function${how}${arn}. Grant it to the service that fronts the function, with a sourceArn naming one API of this account.`;
  }
  if (typeof principal === "string" && SERVICE.test(principal)) {
    if (arnScoped || scoped("eventSourceToken")) return undefined;
    const service = principal.split(".")[0];
    if (arnProblem) {
      return `grants ${principal}, but its sourceArn "${String(sourceArn)}" ${arnProblem}, so any ${service} resource of any account can invoke the function. Name one API of this account (\`\${api.executionArn}/*/*\`).`;
    }
    return `grants ${principal} without a sourceArn, so any ${service} resource of any account can invoke the function. Set \`sourceArn\` (for API Gateway: \`\${api.executionArn}/*/*\`).`;
  }
  return undefined;
}

function target(permission: PolicyResource): string {
  const [fn] = permission.propertyDependencies.function ?? [];
  if (fn) return `"${fn.name}"`;
  const name = read(permission, "function");
  return typeof name === "string" ? `"${name}"` : "unknown at preview";
}

interface Statement {
  Sid?: string;
  Effect?: string;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: string | string[];
  NotAction?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

const SCOPING_KEYS = /^aws:(sourcearn|sourceaccount|principalorgid|sourceowner)$/i;
/** Operators that narrow a grant; negated ones (ArnNotLike) and ...IfExists do not. */
const NARROWING = /^(stringequals|stringequalsignorecase|stringlike|arnequals|arnlike)$/i;

/**
 * The same rules for a whole resource-based policy document (aws.lambda.ResourcePolicy), one
 * problem per open statement: ": statement "Sid" allows everyone ..." (no Sid: " allows ...").
 */
function documentProblems(document: unknown): string[] {
  if (document === UNKNOWN) {
    return [
      " has a policy document not known before deployment, so it cannot be shown not to be public. Build it from values known at preview, or use aws.lambda.Permission.",
    ];
  }
  if (typeof document !== "string") return [];
  let statements: Statement[];
  try {
    const parsed = JSON.parse(document) as { Statement?: Statement | Statement[] };
    statements = [parsed.Statement ?? []].flat();
  } catch {
    return [" has a policy document that is not JSON, so it cannot be shown not to be public."];
  }
  return statements.flatMap((statement) => {
    const problem = statementProblem(statement);
    if (!problem) return [];
    return [statement.Sid ? `: statement "${statement.Sid}" ${problem}` : ` ${problem}`];
  });
}

function statementProblem(statement: Statement): string | undefined {
  if (statement.Effect !== "Allow") return undefined;
  const invokes =
    statement.NotAction !== undefined
      ? ![statement.NotAction].flat().some((action) => grantsInvoke(String(action)))
      : [statement.Action ?? []].flat().some((action) => grantsInvoke(String(action)));
  if (!invokes) return undefined;
  const scope = conditionScope(statement.Condition);
  if (statement.NotPrincipal !== undefined && !scope.scoped) {
    return "uses NotPrincipal, which allows everyone but the principals it names to invoke the function. Name the principal that may invoke it in `Principal` instead.";
  }
  const principals = principalsOf(statement.Principal);
  if (principals.includes("*") && !scope.scoped) {
    return 'allows everyone (Principal "*") to invoke the function. Grant it to the service that fronts the function, with an aws:SourceArn condition naming one API of this account.';
  }
  const service = principals.find((principal) => SERVICE.test(principal));
  if (service && !scope.sourceArn) {
    const why = scope.arnProblem
      ? `with an aws:SourceArn condition that ${scope.arnProblem}`
      : "without an aws:SourceArn condition";
    return `allows ${service} ${why}, so any ${service.split(".")[0]} resource of any account can invoke the function. Add the condition, naming one API of this account.`;
  }
  return undefined;
}

/** What a statement's Condition narrows it to: a scoped source ARN, or any scoping key. */
function conditionScope(condition: Statement["Condition"]): {
  scoped: boolean;
  sourceArn: boolean;
  arnProblem?: string;
} {
  const result: { scoped: boolean; sourceArn: boolean; arnProblem?: string } = {
    scoped: false,
    sourceArn: false,
  };
  for (const [operator, test] of Object.entries(condition ?? {})) {
    if (!NARROWING.test(operator)) continue;
    for (const [key, value] of Object.entries(test ?? {})) {
      if (!SCOPING_KEYS.test(key)) continue;
      const values = [value].flat().map(String);
      if (/^aws:sourcearn$/i.test(key)) {
        const problem = values.map(arnScopeProblem).find((found) => found !== undefined);
        if (problem) result.arnProblem = problem;
        else if (values.length > 0) result.sourceArn = result.scoped = true;
      } else if (values.length > 0 && values.every((item) => item !== "" && !/[*?]/.test(item))) {
        result.scoped = true;
      }
    }
  }
  return result;
}

function principalsOf(principal: unknown): string[] {
  if (principal === "*") return ["*"];
  if (principal === null || typeof principal !== "object") return [];
  return Object.values(principal as Record<string, unknown>).flatMap((value) =>
    [value].flat().filter((item): item is string => typeof item === "string"),
  );
}
