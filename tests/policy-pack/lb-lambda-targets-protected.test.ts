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

describe.each(BOTH_MODES)(
  "a login that lets everyone in, a rate rule that counts, in %s",
  (_mode, preview) => {
    it("refuses onUnauthenticatedRequest allow and a Count rate rule", async () => {
      const run = await runFixture("bad-alb-auth-allow-count", preview);
      expect((await validateStack(policy, run)).violations).toEqual([
        {
          message: expect.stringMatching(
            /^Listener "https" forwards requests on LoadBalancer "public" \(internet-facing\) to a Lambda target group with an authenticate-cognito action with onUnauthenticatedRequest "allow" \(it authenticates no one\) and a WAF rate-based rule whose action is Count/,
          ),
          urn: run.resources.find((r) => r.type.endsWith("Listener"))?.urn,
        },
      ]);
    });

    it("counts no authenticate action ordered after the forward (it never runs)", async () => {
      const run = await runFixture("good-alb-auth-deny", preview);
      const listener = run.resources.find((r) => r.type.endsWith("Listener"))!;
      const actions = listener.inputs.defaultActions as Array<Record<string, unknown>>;
      actions[0].order = 3;
      expect((await validateStack(policy, run)).violations).toEqual([
        expect.objectContaining({
          message: expect.stringContaining(
            "no authenticate-oidc or authenticate-cognito action before the forward",
          ),
        }),
      ]);
    });

    it("passes onUnauthenticatedRequest deny with a blocking rate rule", async () => {
      const run = await runFixture("good-alb-auth-deny", preview);
      expect((await validateStack(policy, run)).violations).toEqual([]);
    });
  },
);
