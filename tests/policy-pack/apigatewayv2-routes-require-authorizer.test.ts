import { httpRoutesRequireAuthorizer as policy } from "../../policy-pack/policies/apigatewayv2-routes-require-authorizer";
import { BOTH_MODES, runFixture, validateStack } from "../harness/policy";

describe.each(BOTH_MODES)("apigatewayv2-routes-require-authorizer in %s", (_mode, preview) => {
  it.each(["good-http-api-jwt", "good-websocket-custom-connect"])("passes %s", async (fixture) => {
    expect(await validateStack(policy, await runFixture(fixture, preview))).toEqual({
      violations: [],
    });
  });

  it.each([
    [
      "bad-http-api-open-route",
      "send",
      /^Route "send" \(POST \/send\) has authorizationType "NONE"; it must be JWT or CUSTOM/,
    ],
    [
      "bad-http-api-quickcreate",
      "api",
      /^Api "api" is a quick-create API \(`target` set\): its route GET \//,
    ],
    [
      "bad-websocket-open-connect",
      "connect",
      /^Route "connect" \(\$connect\) has authorizationType "NONE"/,
    ],
  ])("refuses %s", async (fixture, resource, message) => {
    const run = await runFixture(fixture, preview);
    expect((await validateStack(policy, run)).violations).toEqual([
      {
        message: expect.stringMatching(message),
        urn: run.resources.find((r) => r.name === resource)?.urn,
      },
    ]);
  });

  it("refuses a WebSocket API with no $connect route, and a JWT route wired to no authorizer", async () => {
    const run = await runFixture("good-websocket-custom-connect", preview);
    const connect = run.resources.find((r) => r.name === "connect")!;
    connect.inputs.routeKey = "$disconnect";
    const http = await runFixture("good-http-api-jwt", preview);
    const send = http.resources.find((r) => r.name === "send")!;
    delete send.inputs.authorizerId;
    delete send.propertyDependencies.authorizerId;
    expect((await validateStack(policy, run)).violations[0].message).toMatch(
      /WebSocket API with no \$connect route/,
    );
    expect((await validateStack(policy, http)).violations[0].message).toMatch(
      /\(POST \/send\) names no authorizerId/,
    );
  });

  it("counts AWS_IAM only when the config allows it", async () => {
    const run = await runFixture("bad-http-api-open-route", preview);
    run.resources.find((r) => r.name === "send")!.inputs.authorizationType = "AWS_IAM";
    expect((await validateStack(policy, run)).violations).toHaveLength(1);
    const allowed = await validateStack(policy, run, { config: { allowIamAuthorization: true } });
    expect(allowed.violations).toEqual([]);
  });
});
