import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { matches } from "./resource-policy-documents";
import { TYPES, UNKNOWN, describe, dig, ofType, read, relatedThrough } from "./stack-resources";

const INVOKE = ["lambda:InvokeFunction", "lambda:InvokeFunctionUrl"];
/** AWS managed policies that allow invoking any function. */
const MANAGED_INVOKE =
  /:policy\/(AdministratorAccess|PowerUserAccess|AWSLambda_FullAccess|AWSLambdaFullAccess|(service-role\/)?AWSLambdaRole)$/;

/**
 * A Cognito identity pool that allows unauthenticated (guest) identities hands AWS credentials to
 * anyone who asks; if its guest role may invoke a function, anyone can call the function directly
 * with those credentials: no authorizer, no throttle but the function's concurrency.
 */
export const cognitoGuestsCannotInvokeLambda: StackValidationPolicy = {
  name: "cognito-guests-cannot-invoke-lambda",
  description:
    "The unauthenticated role of a Cognito identity pool that allows guest identities must not be allowed to invoke Lambda functions.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    "Remove lambda:InvokeFunction from the identity pool's unauthenticated role (or set `allowUnauthenticatedIdentities: false`), and call the function through the authorized, throttled API Gateway stage.",
  // No options beyond the enforcement level every policy takes.
  configSchema: { properties: {} },
  validateStack: (args, reportViolation) => {
    for (const attachment of ofType(args.resources, TYPES.identityPoolRoles)) {
      const [pool] = relatedThrough(attachment, "identityPoolId", TYPES.identityPool);
      const guests = pool ? read(pool, "allowUnauthenticatedIdentities") : UNKNOWN;
      if (guests !== true && guests !== UNKNOWN) continue;
      const guestArn = read(attachment, "roles", "unauthenticated");
      if (guestArn === undefined || guestArn === null) continue;
      // `roles` is a map whose dependencies name all its roles: a role is the guests' when its
      // trust policy says so (amr "unauthenticated"), or when it does not say it is not.
      const candidates = relatedThrough(attachment, "roles", TYPES.role);
      for (const role of candidates) {
        if (candidates.length > 1 && amrOf(role) === "authenticated") continue;
        const grant = invokeGrant(role, args.resources);
        if (!grant) continue;
        reportViolation(
          `${describe(attachment)} gives the guests of ${pool ? describe(pool) : "an identity pool not in this stack"} the role ${describe(role)}, and ${grant}: anyone can get guest credentials and invoke the function directly, with no authorizer and no rate limit. Remove the invoke permission from the guest role, or set \`allowUnauthenticatedIdentities: false\`.`,
          attachment.urn,
        );
      }
    }
  },
};

/** Which Cognito identities a role's trust policy admits, from its `amr` condition. */
function amrOf(role: PolicyResource): "authenticated" | "unauthenticated" | "unknown" {
  let policy = read(role, "assumeRolePolicy");
  if (typeof policy === "string") {
    try {
      policy = JSON.parse(policy);
    } catch {
      return "unknown";
    }
  }
  const values = [dig(policy, "Statement") ?? []].flat().flatMap((statement) => {
    const condition = dig(statement, "Condition");
    if (condition === null || typeof condition !== "object") return [];
    return Object.keys(condition)
      .flatMap((operator) => [dig(condition, operator, "cognito-identity.amazonaws.com:amr") ?? []])
      .flat();
  });
  if (values.includes("unauthenticated")) return "unauthenticated";
  return values.includes("authenticated") ? "authenticated" : "unknown";
}

/** Why a role may invoke functions: which of its policies allows it. */
function invokeGrant(role: PolicyResource, resources: PolicyResource[]): string | undefined {
  const documents: Array<[string, unknown]> = [];
  const inline = read(role, "inlinePolicies");
  if (Array.isArray(inline)) {
    inline.forEach((_policy, index) =>
      documents.push([`its inline policy ${index}`, dig(inline, index, "policy")]),
    );
  }
  for (const attached of ofType(resources, "aws:iam/rolePolicy:RolePolicy")) {
    if (relatedThrough(attached, "role", TYPES.role).some((dep) => dep.urn === role.urn)) {
      documents.push([describe(attached), read(attached, "policy")]);
    }
  }
  for (const attachment of ofType(resources, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")) {
    if (!relatedThrough(attachment, "role", TYPES.role).some((dep) => dep.urn === role.urn))
      continue;
    const arn = read(attachment, "policyArn");
    if (typeof arn === "string" && MANAGED_INVOKE.test(arn)) {
      return `${describe(attachment)} attaches ${arn.split("/").pop()}, which allows lambda:InvokeFunction`;
    }
    for (const policy of relatedThrough(attachment, "policyArn", "aws:iam/policy:Policy")) {
      documents.push([describe(policy), read(policy, "policy")]);
    }
  }
  for (const [where, document] of documents) {
    if (allowsInvoke(document)) return `${where} allows lambda:InvokeFunction`;
  }
  return undefined;
}

function allowsInvoke(document: unknown): boolean {
  let parsed = document;
  if (typeof document === "string") {
    try {
      parsed = JSON.parse(document);
    } catch {
      return false;
    }
  }
  const statements = [dig(parsed, "Statement") ?? []].flat();
  return statements.some((statement) => {
    if (dig(statement, "Effect") !== "Allow") return false;
    const actions = [dig(statement, "Action") ?? []].flat();
    return actions.some(
      (action) => typeof action === "string" && INVOKE.some((wanted) => matches(action, wanted)),
    );
  });
}
