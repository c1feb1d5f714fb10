import { stagesAreThrottled } from "../../policy-pack/policies/stages-are-throttled";
import { BOTH_MODES, runFixture, validateStack } from "../harness/policy";

describe.each(BOTH_MODES)("apigateway-stages-throttled in %s", (_mode, preview) => {
  it.each(["good-token-authorizer", "good-cognito-authorizer"])("passes %s", async (fixture) => {
    const outcome = await validateStack(stagesAreThrottled, await runFixture(fixture, preview));
    expect(outcome).toEqual({ violations: [] });
  });

  it.each([
    ["bad-no-method-settings", /Stage "prod" has no stage-wide \("\*\/\*"\) method settings/],
    ["bad-settings-on-wrong-stage", /Stage "prod" has no stage-wide/],
    ["bad-settings-one-method-only", /Stage "prod" has no stage-wide/],
    [
      "bad-rate-limit-off",
      /throttlingRateLimit is -1 \(API Gateway's "no limit"\); it must be above 0/,
    ],
    [
      "bad-limits-above-maximum",
      /throttlingRateLimit is 20000, above the allowed maximum of 10000/,
    ],
  ])("refuses %s", async (fixture, message) => {
    const run = await runFixture(fixture, preview);
    const outcome = await validateStack(stagesAreThrottled, run);
    expect(outcome.violations).toEqual([
      {
        message: expect.stringMatching(message),
        urn: run.resources.find((r) => r.name === "prod")?.urn,
      },
    ]);
  });

  it("applies the configured maxima", async () => {
    const run = await runFixture("good-token-authorizer", preview);
    const outcome = await validateStack(stagesAreThrottled, run, { config: { maxBurstLimit: 10 } });
    expect(outcome.violations[0].message).toMatch(
      /throttlingBurstLimit is 20, above the allowed maximum of 10/,
    );
  });

  it("checks only the configured stages when a list is given", async () => {
    const run = await runFixture("bad-settings-on-wrong-stage", preview);
    expect(
      (await validateStack(stagesAreThrottled, run, { config: { stages: ["dev"] } })).violations,
    ).toEqual([]);
    expect(
      (await validateStack(stagesAreThrottled, run, { config: { stages: ["prod"] } })).violations,
    ).toHaveLength(1);
  });
});

it("refuses an API with methods but no stage at all, never 'not applicable'", async () => {
  const run = await runFixture("good-token-authorizer", true);
  const withoutStages = {
    ...run,
    resources: run.resources.filter((r) => !/Stage|MethodSettings|UsagePlan/.test(r.type)),
  };
  const outcome = await validateStack(stagesAreThrottled, withoutStages);
  expect(outcome.notApplicable).toBeUndefined();
  expect(outcome.violations).toEqual([
    expect.objectContaining({
      message: expect.stringContaining("has methods but no aws.apigateway.Stage"),
    }),
  ]);
});
