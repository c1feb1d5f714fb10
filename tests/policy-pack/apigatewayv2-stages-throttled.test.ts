import { httpStagesThrottled as policy } from "../../policy-pack/policies/apigatewayv2-stages-throttled";
import { BOTH_MODES, runFixture, validateStack } from "../harness/policy";
import { UNKNOWN } from "../harness/pulumi";

describe.each(BOTH_MODES)("apigatewayv2-stages-throttled in %s", (_mode, preview) => {
  it.each(["good-http-api-jwt", "good-websocket-custom-connect", "bad-http-api-open-route"])(
    "passes %s",
    async (fixture) => {
      expect(await validateStack(policy, await runFixture(fixture, preview))).toEqual({
        violations: [],
      });
    },
  );

  it("refuses a stage with no throttling, naming the unthrottled routes", async () => {
    const run = await runFixture("bad-http-api-unthrottled", preview);
    expect((await validateStack(policy, run)).violations).toEqual([
      {
        message: expect.stringMatching(
          /^Stage "prod": defaultRouteSettings are not set\. Routes without their own limits: POST \/send\./,
        ),
        urn: run.resources.find((r) => r.name === "prod")?.urn,
      },
    ]);
  });

  it("refuses a quick-create API and an API with routes but no stage", async () => {
    const quick = await runFixture("bad-http-api-quickcreate", preview);
    expect((await validateStack(policy, quick)).violations[0].message).toMatch(
      /quick-create API: its \$default stage has no throttling/,
    );
    const run = await runFixture("good-http-api-jwt", preview);
    run.resources = run.resources.filter((r) => r.type !== "aws:apigatewayv2/stage:Stage");
    expect((await validateStack(policy, run)).violations[0].message).toMatch(
      /has routes but no aws\.apigatewayv2\.Stage/,
    );
  });

  it("accepts routeSettings for every route instead of defaults, within the maxima", async () => {
    const run = await runFixture("bad-http-api-unthrottled", preview);
    const stage = run.resources.find((r) => r.name === "prod")!;
    stage.inputs.routeSettings = [
      { routeKey: "POST /send", throttlingRateLimit: 5, throttlingBurstLimit: 10 },
    ];
    expect((await validateStack(policy, run)).violations).toEqual([]);
    // The route's own settings above the maximum: refused as an override and as a gap.
    expect(
      (await validateStack(policy, run, { config: { maxRateLimit: 2 } })).violations.map(
        (violation) => violation.message,
      ),
    ).toContainEqual(expect.stringMatching(/Routes without their own limits: POST \/send/));
    stage.inputs.defaultRouteSettings = { throttlingRateLimit: -1, throttlingBurstLimit: 10 };
    stage.inputs.routeSettings = [];
    expect((await validateStack(policy, run)).violations[0].message).toMatch(
      /throttlingRateLimit is -1; it must be above 0/,
    );
  });
});

describe.each(BOTH_MODES)(
  "routeSettings override defaultRouteSettings, in %s",
  (_mode, preview) => {
    it("refuses a route whose own settings lift the throttle, naming the route", async () => {
      const run = await runFixture("bad-http-route-override-unlimited", preview);
      expect((await validateStack(policy, run)).violations).toEqual([
        {
          message: expect.stringMatching(
            /^Stage "prod": routeSettings for POST \/send: throttlingRateLimit is -1; it must be above 0\. A route's own settings override/,
          ),
          urn: run.resources.find((r) => r.name === "prod")?.urn,
        },
        expect.objectContaining({ message: expect.stringContaining("throttlingBurstLimit is -1") }),
      ]);
    });

    it("passes a route whose own settings are within the limits", async () => {
      const run = await runFixture("good-http-route-override", preview);
      expect((await validateStack(policy, run)).violations).toEqual([]);
    });
  },
);

describe.each(BOTH_MODES)("an HTTP API named through a sibling, in %s", (_mode, preview) => {
  it("follows `apiId: integration.apiId` to the API: its routes need a throttled stage", async () => {
    const run = await runFixture("good-http-api-jwt", preview);
    const integration = run.resources.find(
      (r) => r.type === "aws:apigatewayv2/integration:Integration",
    )!;
    const route = run.resources.find((r) => r.type === "aws:apigatewayv2/route:Route")!;
    route.inputs.apiId = preview ? UNKNOWN : "api-id";
    route.propertyDependencies.apiId = [integration.urn];
    expect((await validateStack(policy, run)).violations).toEqual([]);
    run.resources = run.resources.filter((r) => r.type !== "aws:apigatewayv2/stage:Stage");
    expect((await validateStack(policy, run)).violations).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/^Api "api" has routes but no aws\.apigatewayv2\.Stage/),
      }),
    ]);
  });
});
