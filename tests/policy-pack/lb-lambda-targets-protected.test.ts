import { lbLambdaTargetsProtected as policy } from "../../policy-pack/policies/lb-lambda-targets-protected";
import { BOTH_MODES, runFixture, validateStack } from "../harness/policy";

describe.each(BOTH_MODES)("lb-lambda-targets-protected in %s", (_mode, preview) => {
  it("passes an ALB that authenticates before forwarding and is rate limited by WAF", async () => {
    expect(
      await validateStack(policy, await runFixture("good-alb-lambda-protected", preview)),
    ).toEqual({ violations: [] });
  });

  it("refuses an internet-facing ALB forwarding straight to a Lambda", async () => {
    const run = await runFixture("bad-alb-lambda-open", preview);
    expect((await validateStack(policy, run)).violations).toEqual([
      {
        message: expect.stringMatching(
          /^Listener "https" forwards requests on LoadBalancer "public" \(internet-facing\) to a Lambda target group with no authenticate-oidc or authenticate-cognito action before the forward and no WAF web ACL with a rate-based rule/,
        ),
        urn: run.resources.find((r) => r.name === "https")?.urn,
      },
    ]);
  });

  it("refuses authentication without a rate limit, and passes an internal load balancer", async () => {
    const run = await runFixture("good-alb-lambda-protected", preview);
    const withoutWaf = {
      ...run,
      resources: run.resources.filter((r) => !r.type.startsWith("aws:wafv2/")),
    };
    const outcome = await validateStack(policy, withoutWaf);
    expect(outcome.violations).toHaveLength(1);
    expect(outcome.violations[0].message).not.toContain("no authenticate-oidc");
    const internal = await runFixture("bad-alb-lambda-open", preview);
    internal.resources.find((r) => r.name === "public")!.inputs.internal = true;
    expect((await validateStack(policy, internal)).violations).toEqual([]);
  });
});
