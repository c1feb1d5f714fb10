// A bounded load test on loopback (autocannon): the throttle, the quota and the per-IP rule hold
// under concurrency, nothing fails, and every admitted request sent exactly one email.
import { SCENARIOS, runLoad } from "../../tools/bench/load";

describe.each(SCENARIOS)("$label: $requests requests at concurrency $connections", (scenario) => {
  it("admits at most min(burst + rate x T, quota, per-IP), refuses the rest (429, or 403 from the WAF), loses no email", async () => {
    const figures = await runLoad(scenario);
    expect(figures.clientErrors).toBe(0);
    expect(figures.serverErrors).toBe(0);
    expect(figures.otherStatuses).toBe(0);
    expect(figures.ok + figures.throttled + figures.blocked).toBe(scenario.requests);
    expect(figures.blocked).toBe(figures.blockedByWaf);
    // One address sends more than the per-IP rule admits in its window: the WAF blocks the rest.
    if (figures.limits.perIpRateLimit !== undefined) {
      expect(figures.blocked).toBe(scenario.requests - figures.limits.perIpRateLimit);
    }
    expect(figures.ok).toBeGreaterThan(0);
    expect(figures.ok).toBeLessThanOrEqual(figures.ceiling);
    expect(figures.throttled).toBeGreaterThan(0);
    if (figures.limits.perIpRateLimit === undefined) expect(figures.blocked).toBe(0);
    expect(figures.refusals.throttled + figures.refusals.quotaExceeded).toBe(figures.throttled);
    expect(figures.emails).toBe(figures.ok);
    expect(figures.uniqueRequestIds).toBe(figures.ok);
  });
});
