import { stagesHaveUsageQuota } from "../../policy-pack/policies/apigateway-stages-have-usage-quota";
import { BOTH_MODES, runFixture, validateStack } from "../harness/policy";

describe.each(BOTH_MODES)("apigateway-stages-have-usage-quota in %s", (_mode, preview) => {
  it("passes a stage covered by a usage plan with a quota", async () => {
    const run = await runFixture("good-token-authorizer", preview);
    expect(await validateStack(stagesHaveUsageQuota, run)).toEqual({ violations: [] });
  });

  it("flags every stage without one", async () => {
    const run = await runFixture("bad-settings-on-wrong-stage", preview);
    const outcome = await validateStack(stagesHaveUsageQuota, run);
    expect(outcome.violations.map((v) => v.message)).toEqual([
      'Stage "prod" is not covered by a usage plan with a quota, so nothing caps how often it can run.',
      'Stage "dev" is not covered by a usage plan with a quota, so nothing caps how often it can run.',
    ]);
  });

  it("does not count a plan on one API as covering another API's stage of the same name", async () => {
    const run = await runFixture("bad-quota-on-other-api", preview);
    const outcome = await validateStack(stagesHaveUsageQuota, run);
    expect(outcome.violations).toEqual([
      {
        message:
          'Stage "uncovered-prod" is not covered by a usage plan with a quota, so nothing caps how often it can run.',
        urn: expect.stringContaining("::uncovered-prod"),
      },
    ]);
  });
});

// Red team 27: at a preview the entries' property dependencies mix, so this is told apart only
// once the ids are known, as in the offline check's update pass.
it("does not count a plan entry pairing one API with another API's stage (update)", async () => {
  const run = await runFixture("bad-quota-entries-crossed", false);
  const outcome = await validateStack(stagesHaveUsageQuota, run);
  expect(outcome.violations.map((v) => v.message).sort()).toEqual([
    'Stage "a-alpha" is not covered by a usage plan with a quota, so nothing caps how often it can run.',
    'Stage "b-beta" is not covered by a usage plan with a quota, so nothing caps how often it can run.',
  ]);
});

it("is advisory unless a config file raises it", () => {
  expect(stagesHaveUsageQuota.enforcementLevel).toBe("advisory");
});

describe.each(BOTH_MODES)(
  "usage plans naming the stage through siblings, in %s",
  (_mode, preview) => {
    it("counts `apiStages: [{ apiId: stage.restApi, stage: stage.stageName }]`", async () => {
      const run = await runFixture("good-sibling-api-references", preview);
      expect((await validateStack(stagesHaveUsageQuota, run)).violations).toEqual([]);
    });
  },
);
