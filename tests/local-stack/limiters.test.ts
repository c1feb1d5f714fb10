// The local gateway's pure units: token bucket, daily quota, authorizer cache and the evaluation
// of an authorizer's answer, each on an injected clock.
import { createAuthorizerCache } from "../../tools/local-gateway/authorizer-cache";
import {
  evaluateAuthorizerResult,
  wildcardMatch,
} from "../../tools/local-gateway/authorizer-result";
import { createDailyQuota } from "../../tools/local-gateway/daily-quota";
import { createTokenBucket } from "../../tools/local-gateway/token-bucket";
import { createRateWindow } from "../../tools/local-gateway/waf-rate-window";
import { parseMethodPath } from "../../tools/local-gateway/read-limits";

function fakeClock(start = Date.UTC(2026, 10, 25, 12, 0, 0)) {
  let time = start;
  return {
    now: () => time,
    advance: (ms: number) => {
      time += ms;
    },
    set: (at: number) => {
      time = at;
    },
  };
}

describe("token bucket", () => {
  it("admits a full burst at once, then refuses", () => {
    const clock = fakeClock();
    const bucket = createTokenBucket({ rate: 2, burst: 5, now: clock.now });
    const admitted = Array.from({ length: 8 }, () => bucket.tryTake()).filter(Boolean).length;
    expect(admitted).toBe(5);
    expect(bucket.tryTake()).toBe(false);
  });

  it("refills at the rate, never above the burst", () => {
    const clock = fakeClock();
    const bucket = createTokenBucket({ rate: 2, burst: 5, now: clock.now });
    for (let i = 0; i < 5; i += 1) bucket.tryTake();
    clock.advance(499);
    expect(bucket.tryTake()).toBe(false);
    clock.advance(1);
    expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(false);
    clock.advance(60_000);
    expect(bucket.available()).toBe(5);
  });

  it("admits at most burst + rate x T over T seconds of steady demand", () => {
    const clock = fakeClock();
    const bucket = createTokenBucket({ rate: 3, burst: 4, now: clock.now });
    let admitted = 0;
    for (let ms = 0; ms <= 10_000; ms += 10) {
      if (bucket.tryTake()) admitted += 1;
      clock.advance(10);
    }
    expect(admitted).toBeLessThanOrEqual(4 + 3 * 10.01);
    expect(admitted).toBeGreaterThanOrEqual(4 + 3 * 10 - 1);
  });

  it("ignores a clock stepping backwards", () => {
    const clock = fakeClock();
    const bucket = createTokenBucket({ rate: 1, burst: 1, now: clock.now });
    expect(bucket.tryTake()).toBe(true);
    clock.advance(-5000);
    expect(bucket.tryTake()).toBe(false);
    clock.advance(6000);
    expect(bucket.tryTake()).toBe(true);
  });

  it("refuses nonsense limits", () => {
    expect(() => createTokenBucket({ rate: 0, burst: 5 })).toThrow(RangeError);
    expect(() => createTokenBucket({ rate: 1, burst: 0 })).toThrow(RangeError);
  });
});

describe("daily quota", () => {
  it("counts per key and refuses past the limit without counting", () => {
    const clock = fakeClock();
    const quota = createDailyQuota({ limit: 3, now: clock.now });
    expect([1, 2, 3, 4].map(() => quota.tryConsume("a"))).toEqual([true, true, true, false]);
    expect(quota.used("a")).toBe(3);
    expect(quota.tryConsume("b")).toBe(true);
  });

  it("starts again at midnight UTC, not 24 hours after the first request", () => {
    const clock = fakeClock(Date.UTC(2026, 10, 25, 23, 59, 0));
    const quota = createDailyQuota({ limit: 1, now: clock.now });
    expect(quota.tryConsume("a")).toBe(true);
    expect(quota.tryConsume("a")).toBe(false);
    clock.set(Date.UTC(2026, 10, 26, 0, 0, 0));
    expect(quota.tryConsume("a")).toBe(true);
  });
});

describe("authorizer cache", () => {
  it("returns a decision until the TTL runs out", () => {
    const clock = fakeClock();
    const cache = createAuthorizerCache<string>({ ttlSeconds: 300, now: clock.now });
    cache.set("token-a", "allow");
    clock.advance(299_999);
    expect(cache.get("token-a")).toBe("allow");
    expect(cache.get("token-b")).toBeUndefined();
    clock.advance(1);
    expect(cache.get("token-a")).toBeUndefined();
  });

  it("caches nothing with a TTL of 0", () => {
    const cache = createAuthorizerCache<string>({ ttlSeconds: 0 });
    cache.set("token-a", "allow");
    expect(cache.get("token-a")).toBeUndefined();
    expect(cache.size()).toBe(0);
  });

  it("stays bounded, dropping the oldest entries", () => {
    const cache = createAuthorizerCache<number>({ ttlSeconds: 60, maxEntries: 3 });
    for (let i = 0; i < 5; i += 1) cache.set(`token-${i}`, i);
    expect(cache.size()).toBe(3);
    expect(cache.get("token-0")).toBeUndefined();
    expect(cache.get("token-4")).toBe(4);
  });
});

describe("authorizer answer", () => {
  const arn = "arn:aws:execute-api:us-east-1:123456789012:local00api/prod/POST/";
  const answer = (statements: unknown, extra: Record<string, unknown> = {}) => ({
    principalId: "visitor",
    policyDocument: { Version: "2012-10-17", Statement: statements },
    ...extra,
  });

  it("allows on a stage-wide Allow, with the usage key and context", () => {
    const decision = evaluateAuthorizerResult(
      answer(
        [
          {
            Effect: "Allow",
            Action: "execute-api:Invoke",
            Resource: "arn:aws:execute-api:us-east-1:123456789012:local00api/prod/*",
          },
        ],
        { usageIdentifierKey: "key-1", context: { by: "token", n: 1 } },
      ),
      arn,
    );
    expect(decision).toEqual({
      kind: "allow",
      principalId: "visitor",
      usageIdentifierKey: "key-1",
      context: { by: "token", n: 1 },
    });
  });

  it("denies on an explicit Deny, even beside an Allow", () => {
    const statements = [
      { Effect: "Allow", Action: "execute-api:Invoke", Resource: "*" },
      { Effect: "Deny", Action: ["execute-api:*"], Resource: [arn] },
    ];
    expect(evaluateAuthorizerResult(answer(statements), arn).kind).toBe("deny");
  });

  it("denies when no Allow covers the method ARN", () => {
    const statements = {
      Effect: "Allow",
      Action: "execute-api:Invoke",
      Resource: "arn:aws:execute-api:us-east-1:123456789012:local00api/prod/GET/",
    };
    expect(evaluateAuthorizerResult(answer(statements), arn).kind).toBe("deny");
  });

  it("calls unusable answers invalid", () => {
    expect(evaluateAuthorizerResult(null, arn).kind).toBe("invalid");
    expect(evaluateAuthorizerResult({ policyDocument: {} }, arn).kind).toBe("invalid");
    expect(evaluateAuthorizerResult({ principalId: "p" }, arn).kind).toBe("invalid");
    const nested = answer([{ Effect: "Allow", Action: "*", Resource: "*" }], {
      context: { user: { id: 1 } },
    });
    expect(evaluateAuthorizerResult(nested, arn).kind).toBe("invalid");
  });

  it("matches IAM wildcards", () => {
    expect(wildcardMatch("arn:*/prod/*", "arn:aws:x/prod/POST/")).toBe(true);
    expect(wildcardMatch("arn:?ws", "arn:aws")).toBe(true);
    expect(wildcardMatch("arn.aws", "arnxaws")).toBe(false);
    expect(wildcardMatch("a/prod/POST/", "a/prod/POST/x")).toBe(false);
  });
});

describe("WAF rate window (per client address)", () => {
  it("admits `limit` requests in the window, blocks past it, and admits again as they age out", () => {
    const clock = fakeClock();
    const window = createRateWindow({ limit: 3, windowSeconds: 60, now: clock.now });
    expect([1, 2, 3, 4].map(() => window.admit())).toEqual([true, true, true, false]);
    clock.advance(30_000);
    expect(window.admit()).toBe(false);
    // The first three (at 0 s) leave the window at 60 s; the blocked ones (0 s, 30 s) still count.
    clock.advance(30_000);
    expect(window.admit()).toBe(true);
    clock.advance(30_000);
    expect(window.admit()).toBe(true);
  });
});

describe("method paths of MethodSettings", () => {
  it.each([
    ["*/*", { resourcePath: "*", httpMethod: "*" }],
    ["items/GET", { resourcePath: "/items", httpMethod: "GET" }],
    ["~1items~1deep/POST", { resourcePath: "/items/deep", httpMethod: "POST" }],
    ["/POST", { resourcePath: "/", httpMethod: "POST" }],
    ["items/*", { resourcePath: "/items", httpMethod: "*" }],
  ])("reads %s", (methodPath, expected) => {
    expect(parseMethodPath(methodPath)).toEqual(expected);
  });

  it("refuses a path with no method", () => {
    expect(parseMethodPath("items")).toBeUndefined();
  });
});
