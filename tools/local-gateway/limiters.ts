// The gateway's limiters, one per scope, made on first use and kept for the gateway's life: the
// token buckets of throttles (stage methods, usage plans), the usage plans' daily quotas and the
// WAF's per-address rate windows. Which limit applies to a request is chosen here too.
import { createDailyQuota, type DailyQuota } from "./daily-quota";
import type {
  MethodModel,
  MethodThrottleModel,
  RateBasedRuleModel,
  ThrottleLimits,
  UsagePlanModel,
} from "./model";
import { createTokenBucket, type TokenBucket } from "./token-bucket";
import { createRateWindow, type RateWindow } from "./waf-rate-window";

export interface Limiters {
  /** Takes a token from the bucket of `scope`; no limits, or a limit of -1, admits everything. */
  throttleAdmits(scope: string, limits: ThrottleLimits | undefined): boolean;
  /** Counts one request of `plan` for the key; false once the day's quota is spent. */
  quotaAdmits(plan: UsagePlanModel, keyId: string): boolean;
  /** Counts one request in the rule's window for `scope` (stage, rule and client address). */
  wafAdmits(scope: string, rule: RateBasedRuleModel): boolean;
}

export function createLimiters(now: () => number): Limiters {
  const buckets = new Map<string, TokenBucket | "closed">();
  const quotas = new Map<string, DailyQuota>();
  const wafWindows = new Map<string, RateWindow>();

  const bucket = (scope: string, limits: ThrottleLimits): TokenBucket | "closed" | undefined => {
    if (limits.rateLimit < 0 || limits.burstLimit < 0) return undefined; // -1: off
    let found = buckets.get(scope);
    if (found === undefined) {
      found =
        limits.rateLimit === 0 || limits.burstLimit === 0
          ? "closed"
          : createTokenBucket({ rate: limits.rateLimit, burst: limits.burstLimit, now });
      buckets.set(scope, found);
    }
    return found;
  };

  return {
    throttleAdmits(scope, limits) {
      if (limits === undefined) return true;
      const found = bucket(scope, limits);
      return found === undefined || (found !== "closed" && found.tryTake());
    },
    quotaAdmits(plan, keyId) {
      if (plan.quota === undefined) return true;
      let quota = quotas.get(plan.id);
      if (quota === undefined) {
        quota = createDailyQuota({ limit: plan.quota.limit, now });
        quotas.set(plan.id, quota);
      }
      return quota.tryConsume(keyId);
    },
    wafAdmits(scope, rule) {
      let window = wafWindows.get(scope);
      if (window === undefined) {
        window = createRateWindow({ limit: rule.limit, windowSeconds: rule.windowSeconds, now });
        wafWindows.set(scope, window);
      }
      return window.admit();
    },
  };
}

/** The throttle for a method: its own method path, then its path with any method, then `*\/*`. */
export function mostSpecific(
  throttles: MethodThrottleModel[],
  method: MethodModel,
): MethodThrottleModel | undefined {
  const score = (t: MethodThrottleModel) => {
    const path = t.resourcePath === method.resourcePath ? 2 : t.resourcePath === "*" ? 0 : -10;
    const verb = t.httpMethod === method.httpMethod ? 1 : t.httpMethod === "*" ? 0 : -10;
    return path + verb;
  };
  return throttles.filter((t) => score(t) >= 0).sort((a, b) => score(b) - score(a))[0];
}

/** The usage plan of the stage holding this key value, and the key. */
export function planWithKey(
  plans: UsagePlanModel[],
  value: string,
): { plan: UsagePlanModel; key: { id: string; value: string } } | undefined {
  for (const plan of plans) {
    const key = plan.keys.find((candidate) => candidate.value === value);
    if (key) return { plan, key };
  }
  return undefined;
}
