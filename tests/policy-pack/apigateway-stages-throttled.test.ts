import { stagesAreThrottled } from "../../policy-pack/policies/apigateway-stages-throttled";
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

describe.each(BOTH_MODES)("stages of APIs with no Method resources, in %s", (_mode, preview) => {
  it("refuses the stage of an OpenAPI body API with no method settings", async () => {
    const run = await runFixture("bad-openapi-body-unthrottled", preview);
    expect((await validateStack(stagesAreThrottled, run)).violations).toEqual([
      {
        message: expect.stringMatching(/^Stage "prod" has no stage-wide/),
        urn: run.resources.find((r) => r.name === "prod")?.urn,
      },
    ]);
  });

  it("refuses a body API with no stage at all", async () => {
    const run = await runFixture("good-openapi-body-token", preview);
    run.resources = run.resources.filter((r) => !/Stage|MethodSettings/.test(r.type));
    expect((await validateStack(stagesAreThrottled, run)).violations[0].message).toMatch(
      /RestApi "api" has an OpenAPI body but no aws\.apigateway\.Stage/,
    );
  });
});

// Preview only: the mocks give a component no outputs in an update, so `api.stage.stageName` is
// undefined there; the offline check, like a preview of a new stack, runs as a preview.
it("judges the stage of the @pulumi/aws-apigateway component through settings on its outputs", async () => {
  const preview = true;
  const good = await runFixture("good-aws-apigateway-token", preview);
  expect((await validateStack(stagesAreThrottled, good)).violations).toEqual([]);
  const bad = await runFixture("bad-aws-apigateway-unthrottled", preview);
  expect((await validateStack(stagesAreThrottled, bad)).violations).toEqual([
    {
      message: expect.stringMatching(/^RestAPI "api" \(stage "prod"\) has no stage-wide/),
      urn: bad.resources.find((r) => r.type === "aws-apigateway:index:RestAPI")?.urn,
    },
  ]);
});

describe.each(BOTH_MODES)("the limit each method really gets, in %s", (_mode, preview) => {
  const messages = async (fixture: string) =>
    (await validateStack(stagesAreThrottled, await runFixture(fixture, preview))).violations.map(
      (violation) => violation.message,
    );

  it("refuses a per-method override that lifts the stage-wide throttle, naming the route", async () => {
    const found = await messages("bad-method-override-unlimited");
    expect(found).toHaveLength(2);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^Stage "prod": MethodSettings "send-unlimited" \(methodPath "~1send\/POST", route POST \/send\) override .*throttlingRateLimit is -1 .*Give the override its own/,
        ),
        expect.stringMatching(
          /^Stage "prod": MethodSettings "send-metrics" \(methodPath "~1send\/\*", route POST \/send\) .*throttlingRateLimit is not set \(the provider then sends -1/,
        ),
      ]),
    );
  });

  it("passes a per-method override with its own limit", async () => {
    expect(await messages("good-method-override-within-limits")).toEqual([]);
  });

  it("refuses two stage-wide settings for one stage when either is off", async () => {
    expect(await messages("bad-two-stage-wide-settings")).toEqual([
      expect.stringMatching(
        /^Stage "prod" has 2 stage-wide \("\*\/\*"\) method settings \("throttle", "throttle-off"\); API Gateway applies whichever was written last, and MethodSettings "throttle-off": throttlingRateLimit is -1/,
      ),
    ]);
  });

  it.each([
    ["bad-settings-api-mismatch", /^Stage "prod" has no stage-wide/],
    ["bad-aws-apigateway-settings-other-api", /^RestAPI "api" \(stage "prod"\) has no stage-wide/],
  ])(
    "refuses %s: a stage is matched by its API and its name together",
    async (fixture, message) => {
      expect(await messages(fixture)).toEqual([expect.stringMatching(message)]);
    },
  );

  it("follows restApi through siblings (stage.restApi, resource.restApi) to the API", async () => {
    expect(await messages("good-sibling-api-references")).toEqual([]);
    expect(await messages("bad-sibling-api-references")).toEqual([
      expect.stringMatching(/^Stage "prod": throttlingRateLimit is -1/),
    ]);
  });
});
