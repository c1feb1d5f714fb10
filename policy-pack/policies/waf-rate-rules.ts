// Whether an AWS WAF web ACL associated with a resource limits its request rate: a rule whose
// action blocks above a rate-based statement's limit, counted per source IP or over all requests.
// A Count action limits no one; a scope-down statement limits only the requests it matches; a key
// a client writes (a forwarded header, a custom header key) lets each request count as new.
import type { PolicyResource } from "@pulumi/policy";
import {
  TYPES,
  UNKNOWN,
  dig,
  ofType,
  read,
  relatedThrough,
  type TypeToken,
} from "./stack-resources";

const COUNTED_BY = new Set(["IP", "CONSTANT"]);

/** The web ACLs associated with `target` through aws.wafv2.WebAclAssociation resources. */
export function webAclsOf(
  target: PolicyResource,
  targetType: TypeToken,
  resources: PolicyResource[],
): PolicyResource[] {
  return ofType(resources, TYPES.webAclAssociation)
    .filter((association) =>
      relatedThrough(association, "resourceArn", targetType).some((dep) => dep.urn === target.urn),
    )
    .flatMap((association) => relatedThrough(association, "webAclArn", TYPES.webAcl));
}

/** Whether a web ACL has a rule that blocks requests above a rate no client can escape. */
export function hasBlockingRateRule(webAcl: PolicyResource): boolean {
  const rules = read(webAcl, "rules");
  if (!Array.isArray(rules)) return false;
  return rules.some((_rule, index) => {
    const rate = dig(rules, index, "statement", "rateBasedStatement");
    if (rate === undefined || rate === null || rate === UNKNOWN) return false;
    const blocks = dig(rules, index, "action", "block");
    if (blocks === undefined || blocks === null) return false;
    if (dig(rate, "scopeDownStatement") !== undefined) return false;
    const limit = dig(rate, "limit");
    if (!(limit === UNKNOWN || (typeof limit === "number" && limit > 0))) return false;
    const key = dig(rate, "aggregateKeyType") ?? "IP";
    if (typeof key === "string" && COUNTED_BY.has(key)) return true;
    if (key !== "CUSTOM_KEYS") return false;
    const keys = dig(rate, "customKeys");
    return (
      Array.isArray(keys) &&
      keys.length > 0 &&
      keys.every((_key, keyIndex) => dig(keys, keyIndex, "ip") !== undefined)
    );
  });
}
