import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { TYPES, UNKNOWN, describe, dig, ofType, read, relatedThrough } from "./stack-resources";

/**
 * An internet-facing Application Load Balancer that forwards to a Lambda target group is an HTTP
 * entry point to the function. The ALB's own guards are an authenticate action (OIDC or Cognito)
 * before the forward, and a WAF web ACL with a rate-based rule on the load balancer.
 */
export const lbLambdaTargetsProtected: StackValidationPolicy = {
  name: "lb-lambda-targets-protected",
  description:
    "An internet-facing load balancer that forwards to a Lambda target group must authenticate first (authenticate-oidc or authenticate-cognito) and be rate limited by a WAF web ACL with a rate-based rule.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    "Put an `authenticate-oidc` or `authenticate-cognito` action (lower `order`) before the forward in the listener or rule, and associate an aws.wafv2.WebAcl with a `rateBasedStatement` rule to the load balancer (aws.wafv2.WebAclAssociation); or front the function with the API Gateway stage instead.",
  // No options beyond the enforcement level every policy takes.
  configSchema: { properties: {} },
  validateStack: (args, reportViolation) => {
    const lambdaGroups = new Set(
      ofType(args.resources, TYPES.targetGroup)
        .filter((group) => read(group, "targetType") === "lambda")
        .map((group) => group.urn),
    );
    if (lambdaGroups.size === 0) return;
    const listeners = ofType(args.resources, TYPES.listener);
    const entries: Array<[PolicyResource, string, PolicyResource | undefined]> = [];
    for (const listener of listeners) entries.push([listener, "defaultActions", listener]);
    for (const rule of ofType(args.resources, TYPES.listenerRule)) {
      entries.push([rule, "actions", relatedThrough(rule, "listenerArn", TYPES.listener)[0]]);
    }
    for (const [holder, property, listener] of entries) {
      const forwardsToLambda = relatedThrough(holder, property, TYPES.targetGroup).some((group) =>
        lambdaGroups.has(group.urn),
      );
      if (!forwardsToLambda) continue;
      const balancer = listener
        ? relatedThrough(listener, "loadBalancerArn", TYPES.loadBalancer)[0]
        : undefined;
      const internal = balancer ? read(balancer, "internal") : UNKNOWN;
      if (internal === true) continue;
      const where = balancer
        ? `${describe(balancer)} (internet-facing)`
        : "a load balancer not declared in this stack";
      const missing: string[] = [];
      if (!authenticates(dig(holder.props, property))) {
        missing.push("no authenticate-oidc or authenticate-cognito action before the forward");
      }
      if (!balancer || !rateLimited(balancer, args.resources)) {
        missing.push("no WAF web ACL with a rate-based rule on the load balancer");
      }
      if (missing.length === 0) continue;
      reportViolation(
        `${describe(holder)} forwards requests on ${where} to a Lambda target group with ${missing.join(" and ")}. Add an authenticate action before the forward and associate a WAF web ACL with a rateBasedStatement rule, or serve the function through the API Gateway stage.`,
        holder.urn,
      );
    }
  },
};

function authenticates(actions: unknown): boolean {
  if (!Array.isArray(actions)) return false;
  return actions.some((_action, index) => {
    const type = dig(actions, index, "type");
    return type === "authenticate-oidc" || type === "authenticate-cognito";
  });
}

function rateLimited(balancer: PolicyResource, resources: PolicyResource[]): boolean {
  return ofType(resources, TYPES.webAclAssociation)
    .filter((association) =>
      relatedThrough(association, "resourceArn", TYPES.loadBalancer).some(
        (dep) => dep.urn === balancer.urn,
      ),
    )
    .flatMap((association) => relatedThrough(association, "webAclArn", TYPES.webAcl))
    .some((acl) => {
      const json = read(acl, "ruleJson");
      if (typeof json === "string" && json.includes('"RateBasedStatement"')) return true;
      const rules = read(acl, "rules");
      if (!Array.isArray(rules)) return false;
      return rules.some((_rule, index) => {
        const limit = dig(rules, index, "statement", "rateBasedStatement", "limit");
        return limit === UNKNOWN || (typeof limit === "number" && limit > 0);
      });
    });
}
