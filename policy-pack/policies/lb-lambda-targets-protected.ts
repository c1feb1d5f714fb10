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
    'An internet-facing load balancer that forwards to a Lambda target group must authenticate first (authenticate-oidc or authenticate-cognito, ordered before the forward, not onUnauthenticatedRequest "allow") and be rate limited by a WAF web ACL with a blocking (not Count) rate-based rule.',
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
      const authentication = authenticationProblem(dig(holder.props, property));
      if (authentication) missing.push(authentication);
      const rate = balancer
        ? rateLimitProblem(balancer, args.resources)
        : "no WAF web ACL with a rate-based rule on the load balancer";
      if (rate) missing.push(rate);
      if (missing.length === 0) continue;
      reportViolation(
        `${describe(holder)} forwards requests on ${where} to a Lambda target group with ${missing.join(" and ")}. Add an authenticate action (onUnauthenticatedRequest "deny" or "authenticate") before the forward and associate a WAF web ACL with a blocking rateBasedStatement rule, or serve the function through the API Gateway stage.`,
        holder.urn,
      );
    }
  },
};

/**
 * Why the actions do not authenticate every request before the forward, or undefined when they
 * do: an authenticate action ordered before the forward that does not let unauthenticated
 * requests through (`onUnauthenticatedRequest: "allow"` authenticates no one).
 */
function authenticationProblem(actions: unknown): string | undefined {
  if (!Array.isArray(actions)) return "no authenticate-oidc or authenticate-cognito action";
  const orderOf = (index: number) => {
    const order = dig(actions, index, "order");
    return typeof order === "number" ? order : index + 1;
  };
  const forwards = actions
    .map((_action, index) => index)
    .filter((index) => dig(actions, index, "type") === "forward");
  const firstForward = Math.min(...forwards.map(orderOf));
  let allowing: string | undefined;
  for (let index = 0; index < actions.length; index += 1) {
    const type = dig(actions, index, "type");
    if (type !== "authenticate-oidc" && type !== "authenticate-cognito") continue;
    if (orderOf(index) >= firstForward) continue;
    const block = type === "authenticate-oidc" ? "authenticateOidc" : "authenticateCognito";
    const unauthenticated = dig(actions, index, block, "onUnauthenticatedRequest");
    if (unauthenticated === "allow" || unauthenticated === UNKNOWN) {
      const shown = unauthenticated === UNKNOWN ? "not known before deployment" : '"allow"';
      allowing = `an ${String(type)} action with onUnauthenticatedRequest ${shown} (it authenticates no one)`;
      continue;
    }
    return undefined;
  }
  return allowing ?? "no authenticate-oidc or authenticate-cognito action before the forward";
}

/** Why the balancer has no blocking WAF rate limit, or undefined when it has one. */
function rateLimitProblem(
  balancer: PolicyResource,
  resources: PolicyResource[],
): string | undefined {
  const acls = ofType(resources, TYPES.webAclAssociation)
    .filter((association) =>
      relatedThrough(association, "resourceArn", TYPES.loadBalancer).some(
        (dep) => dep.urn === balancer.urn,
      ),
    )
    .flatMap((association) => relatedThrough(association, "webAclArn", TYPES.webAcl));
  let counting = false;
  for (const acl of acls) {
    for (const rule of rateRules(acl)) {
      if (rule.blocks) return undefined;
      counting = true;
    }
  }
  return counting
    ? "a WAF rate-based rule whose action is Count (it limits no one), not Block"
    : "no WAF web ACL with a rate-based rule on the load balancer";
}

/** The web ACL's rate-based rules, and whether each blocks (Count only counts). */
function rateRules(acl: PolicyResource): Array<{ blocks: boolean }> {
  const json = read(acl, "ruleJson");
  if (typeof json === "string" && json !== "") {
    try {
      const rules = [JSON.parse(json) as unknown].flat() as Array<Record<string, unknown>>;
      return rules
        .filter((rule) => dig(rule, "Statement", "RateBasedStatement") !== undefined)
        .map((rule) => ({ blocks: dig(rule, "Action", "Block") !== undefined }));
    } catch {
      return [];
    }
  }
  const rules = read(acl, "rules");
  if (!Array.isArray(rules)) return [];
  return rules
    .map((_rule, index) => index)
    .filter((index) => {
      const limit = dig(rules, index, "statement", "rateBasedStatement", "limit");
      return limit === UNKNOWN || (typeof limit === "number" && limit > 0);
    })
    .map((index) => {
      const block = dig(rules, index, "action", "block");
      return { blocks: block !== undefined && block !== null };
    });
}
