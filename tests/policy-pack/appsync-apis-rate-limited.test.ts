import { appSyncApisRateLimited as policy } from "../../policy-pack/policies/appsync-apis-rate-limited";
import { BOTH_MODES, runFixture, validateStack } from "../harness/policy";

describe.each(BOTH_MODES)("appsync-apis-rate-limited in %s", (_mode, preview) => {
  it("refuses an API with no web ACL", async () => {
    const run = await runFixture("bad-appsync-unthrottled", preview);
    expect((await validateStack(policy, run)).violations).toEqual([
      {
        message: expect.stringMatching(
          /^GraphQLApi "contact" \(Lambda data source "mailer"\) has no AWS WAF web ACL associated with it: AppSync has no throttle of its own.*rateBasedStatement\.$/,
        ),
        urn: run.resources.find((r) => r.name === "contact")?.urn,
      },
    ]);
  });

  it("refuses a web ACL whose rate-based rule only counts", async () => {
    const run = await runFixture("bad-appsync-waf-count", preview);
    expect((await validateStack(policy, run)).violations).toEqual([
      {
        message: expect.stringMatching(
          /is associated with web ACL "graphql-rate", which has no blocking rate-based rule/,
        ),
        urn: expect.any(String),
      },
    ]);
  });

  it("passes a blocking rate-based rule, and stacks with no AppSync API", async () => {
    for (const fixture of [
      "good-appsync-cognito-waf",
      "bad-appsync-api-key",
      "good-http-api-jwt",
    ]) {
      expect({
        fixture,
        ...(await validateStack(policy, await runFixture(fixture, preview))),
      }).toEqual({
        fixture,
        violations: [],
      });
    }
  });
});
