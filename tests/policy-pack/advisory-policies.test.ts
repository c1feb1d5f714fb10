import { authorizerCacheTtlBounded } from "../../policy-pack/policies/authorizer-cache-ttl-bounded";
import { policies } from "../../policy-pack/policies";
import { sesSendNotOnWildcard } from "../../policy-pack/policies/ses-send-not-on-wildcard";
import { stagesHaveUsageQuota } from "../../policy-pack/policies/stages-have-usage-quota";
import { BOTH_MODES, runFixture, validateStack } from "../harness/policy";
import { runProdStack } from "../harness/pulumi";

describe.each(BOTH_MODES)("advisory policies in %s", (_mode, preview) => {
  it("apigateway-stages-have-usage-quota passes a stage under a quota and flags one without", async () => {
    expect(
      (
        await validateStack(
          stagesHaveUsageQuota,
          await runFixture("good-token-authorizer", preview),
        )
      ).violations,
    ).toEqual([]);
    const outcome = await validateStack(
      stagesHaveUsageQuota,
      await runFixture("bad-settings-on-wrong-stage", preview),
    );
    expect(outcome.violations.map((v) => v.message)).toEqual([
      'Stage "prod" is not covered by a usage plan with a quota, so nothing caps how often it can run.',
      'Stage "dev" is not covered by a usage plan with a quota, so nothing caps how often it can run.',
    ]);
  });

  it("apigateway-authorizer-cache-ttl-bounded keeps the TTL within the configured bounds", async () => {
    const run = await runFixture("good-token-authorizer", preview);
    expect((await validateStack(authorizerCacheTtlBounded, run)).violations).toEqual([]);
    const outcome = await validateStack(authorizerCacheTtlBounded, run, { config: { maxTtl: 60 } });
    expect(outcome.violations[0].message).toBe(
      'Authorizer "token" caches decisions for 300 s; keep it between 0 and 60 s.',
    );
  });
});

describe("iam-ses-send-not-on-wildcard", () => {
  it("passes the project's own stack, whose SES rights are scoped to the identities", async () => {
    expect((await validateStack(sesSendNotOnWildcard, await runProdStack())).violations).toEqual(
      [],
    );
  });

  it("flags SES send rights on *", async () => {
    const run = await runProdStack();
    const policy = run.resources.find((resource) => resource.name === "mailer-ses-send");
    if (!policy) throw new Error("the program no longer declares mailer-ses-send");
    const document = JSON.parse(policy.inputs.policy as string);
    document.Statement[0].Resource = "*";
    policy.inputs.policy = JSON.stringify(document);
    const outcome = await validateStack(sesSendNotOnWildcard, run);
    expect(outcome.violations).toEqual([
      {
        message: 'RolePolicy "mailer-ses-send" allows sending email through SES on "*".',
        urn: policy.urn,
      },
    ]);
  });

  it("is silent at preview, where the policy document is not known yet", async () => {
    const outcome = await validateStack(
      sesSendNotOnWildcard,
      await runProdStack({ preview: true }),
    );
    expect(outcome).toEqual({ violations: [] });
  });
});

it("every policy is named in kebab-case, with a description and an enforcement level", () => {
  for (const policy of policies) {
    expect(policy.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)+$/);
    expect(policy.description.length).toBeGreaterThan(30);
    expect(["mandatory", "advisory"]).toContain(policy.enforcementLevel);
    expect(policy.remediationSteps?.length).toBeGreaterThan(30);
  }
});
