import { authorizerCacheTtlBounded } from "../../policy-pack/policies/apigateway-authorizer-cache-ttl-bounded";
import { BOTH_MODES, runFixture, validateStack } from "../harness/policy";

describe.each(BOTH_MODES)("apigateway-authorizer-cache-ttl-bounded in %s", (_mode, preview) => {
  it("passes a TTL within the default bounds (0 to 900 s)", async () => {
    const run = await runFixture("good-token-authorizer", preview);
    expect(await validateStack(authorizerCacheTtlBounded, run)).toEqual({ violations: [] });
  });

  it("flags a TTL above the configured maximum", async () => {
    const run = await runFixture("good-token-authorizer", preview);
    const outcome = await validateStack(authorizerCacheTtlBounded, run, { config: { maxTtl: 60 } });
    expect(outcome.violations).toEqual([
      {
        message: 'Authorizer "token" caches decisions for 300 s; keep it between 0 and 60 s.',
        urn: run.resources.find((resource) => resource.name === "token")?.urn,
      },
    ]);
  });

  it("flags no caching at all when a minimum is configured", async () => {
    const run = await runFixture("good-token-authorizer", preview);
    const outcome = await validateStack(authorizerCacheTtlBounded, run, {
      config: { minTtl: 600 },
    });
    expect(outcome.violations).toHaveLength(1);
  });
});
