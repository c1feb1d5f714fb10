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
    'Lambda permissions must not let everyone invoke a function: principal "*" (unless scoped by sourceArn, sourceAccount or principalOrgId), or a service principal without a sourceArn.',
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    'Grant lambda:InvokeFunction to the service that fronts the function (apigateway.amazonaws.com) with `sourceArn` set to that API\'s execution ARN (for example `${api.executionArn}/*/*`), never to "*".',
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
