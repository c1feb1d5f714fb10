import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { TYPES, UNKNOWN, describe, ofType, read } from "./stack-resources";

const INVOKE = /^lambda:(\*|invoke\*|invokefunction|invokefunctionurl|invokeasync)$/i;
const SERVICE = /\.amazon(aws)?\.com$/;

/**
 * A resource policy that lets anyone invoke a function is an entry point with no authorizer and
 * no rate limit. A service principal without `sourceArn` is as open: any API Gateway (or bucket,
 * rule...) of any account can then call the function.
 */
export const lambdaPermissionsNotPublic: StackValidationPolicy = {
  name: "lambda-permissions-not-public",
  description:
    'Lambda permissions (aws.lambda.Permission, aws.lambda.ResourcePolicy) must not let everyone invoke a function: principal "*" (unless scoped by sourceArn, sourceAccount or principalOrgId), or a service principal without a sourceArn.',
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    'Grant lambda:InvokeFunction to the service that fronts the function (apigateway.amazonaws.com) with `sourceArn` set to that API\'s execution ARN (for example `${api.executionArn}/*/*`), never to "*".',
  // No options beyond the enforcement level every policy takes.
  configSchema: { properties: {} },
  validateStack: (args, reportViolation) => {
    for (const permission of ofType(args.resources, TYPES.lambdaPermission)) {
      const action = read(permission, "action");
      if (typeof action === "string" && !INVOKE.test(action)) continue;
      const problem = openProblem(permission);
      if (problem) {
        reportViolation(
          `${describe(permission)} (${String(action)} on function ${target(permission)}) ${problem}`,
          permission.urn,
        );
      }
    }
    for (const policy of ofType(args.resources, TYPES.lambdaResourcePolicy)) {
      const problem = documentProblem(read(policy, "policy"));
      if (problem) reportViolation(`${describe(policy)} ${problem}`, policy.urn);
    }
  },
};

function openProblem(permission: PolicyResource): string | undefined {
  const principal = read(permission, "principal");
  const scoped = (property: string) => {
    const value = read(permission, property);
    return value === UNKNOWN || (typeof value === "string" && value !== "");
  };
  if (principal === UNKNOWN) {
    return "has a principal not known before deployment, so it cannot be shown not to be public. Set the principal to a literal service or account.";
  }
  if (principal === "*") {
    if (scoped("sourceArn") || scoped("sourceAccount") || scoped("principalOrgId"))
      return undefined;
    const url = read(permission, "functionUrlAuthType");
    const how = url === "NONE" ? ", through a function URL with no auth" : "";
    return `lets everyone (principal "*") invoke the function${how}. Grant it to the service that fronts the function, with a sourceArn.`;
  }
  if (typeof principal === "string" && SERVICE.test(principal)) {
    if (scoped("sourceArn") || scoped("eventSourceToken")) return undefined;
    return `grants ${principal} without a sourceArn, so any ${principal.split(".")[0]} resource of any account can invoke the function. Set \`sourceArn\` (for API Gateway: \`\${api.executionArn}/*/*\`).`;
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
  Effect?: string;
  Principal?: unknown;
  Action?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

const SCOPING_KEYS = /^aws:(sourcearn|sourceaccount|principalorgid|sourceowner)$/i;

/** The same rules for a whole resource-based policy document (aws.lambda.ResourcePolicy). */
function documentProblem(document: unknown): string | undefined {
  if (document === UNKNOWN) {
    return "has a policy document not known before deployment, so it cannot be shown not to be public. Build it from values known at preview, or use aws.lambda.Permission.";
  }
  if (typeof document !== "string") return undefined;
  let statements: Statement[];
  try {
    const parsed = JSON.parse(document) as { Statement?: Statement | Statement[] };
    statements = [parsed.Statement ?? []].flat();
  } catch {
    return "has a policy document that is not JSON, so it cannot be shown not to be public.";
  }
  for (const statement of statements) {
    if (statement.Effect !== "Allow") continue;
    if (![statement.Action ?? []].flat().some((action) => INVOKE.test(action))) continue;
    const conditionKeys = Object.values(statement.Condition ?? {}).flatMap((test) =>
      Object.keys(test ?? {}),
    );
    const scoped = conditionKeys.some((key) => SCOPING_KEYS.test(key));
    const principals = principalsOf(statement.Principal);
    if (principals.includes("*") && !scoped) {
      return 'allows everyone (Principal "*") to invoke the function. Grant it to the service that fronts the function, with an aws:SourceArn condition.';
    }
    const service = principals.find((principal) => SERVICE.test(principal));
    if (service && !conditionKeys.some((key) => /^aws:sourcearn$/i.test(key))) {
      return `allows ${service} without an aws:SourceArn condition, so any ${service.split(".")[0]} resource of any account can invoke the function. Add the condition.`;
    }
  }
  return undefined;
}

function principalsOf(principal: unknown): string[] {
  if (principal === "*") return ["*"];
  if (principal === null || typeof principal !== "object") return [];
  return Object.values(principal as Record<string, unknown>).flatMap((value) =>
    [value].flat().filter((item): item is string => typeof item === "string"),
  );
}
