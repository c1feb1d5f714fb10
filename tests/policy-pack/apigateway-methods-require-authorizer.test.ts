import { methodsRequireAuthorizer } from "../../policy-pack/policies/apigateway-methods-require-authorizer";
import { BOTH_MODES, runFixture, validateStack } from "../harness/policy";
import { UNKNOWN } from "../harness/pulumi";

describe.each(BOTH_MODES)("apigateway-methods-require-authorizer in %s", (_mode, preview) => {
  it("passes a token-authorized POST with an open OPTIONS preflight", async () => {
    const outcome = await validateStack(
      methodsRequireAuthorizer,
      await runFixture("good-token-authorizer", preview),
    );
    expect(outcome).toEqual({ violations: [] });
  });

  it("passes a Cognito-authorized method", async () => {
    const outcome = await validateStack(
      methodsRequireAuthorizer,
      await runFixture("good-cognito-authorizer", preview),
    );
    expect(outcome.violations).toEqual([]);
  });

  it("refuses a method with no authorizer", async () => {
    const run = await runFixture("bad-no-authorizer", preview);
    const outcome = await validateStack(methodsRequireAuthorizer, run);
    expect(outcome.violations).toEqual([
      {
        message: expect.stringMatching(
          /Method "post-root" \(POST\) has authorization "NONE"; it must be CUSTOM or COGNITO_USER_POOLS/,
        ),
        urn: run.resources.find((r) => r.name === "post-root")?.urn,
      },
    ]);
  });

  // The harness runs programs as the engine does: until the program's process exits.
  it.each(["late-timeout-open-method", "late-async-main-open-method"])(
    "refuses an open method declared late (%s)",
    async (fixture) => {
      const run = await runFixture(fixture, preview);
      const outcome = await validateStack(methodsRequireAuthorizer, run);
      expect(outcome.violations).toEqual([
        {
          message: expect.stringContaining('(POST) has authorization "NONE"'),
          urn: run.resources.find((r) => r.type === "aws:apigateway/method:Method")?.urn,
        },
      ]);
    },
  );

  it("refuses an open second method even when the first is protected", async () => {
    const outcome = await validateStack(
      methodsRequireAuthorizer,
      await runFixture("bad-second-method-open", preview),
    );
    expect(outcome.violations).toHaveLength(1);
    expect(outcome.violations[0].message).toContain('"get-items" (GET)');
  });

  it("counts AWS_IAM only when the config allows it", async () => {
    const run = await runFixture("bad-no-authorizer", preview);
    const iam = structuredClone(run);
    const method = iam.resources.find((resource) => resource.name === "post-root");
    if (!method) throw new Error("fixture changed");
    method.inputs.authorization = "AWS_IAM";
    expect((await validateStack(methodsRequireAuthorizer, iam)).violations).toHaveLength(1);
    expect(
      (
        await validateStack(methodsRequireAuthorizer, iam, {
          config: { allowIamAuthorization: true },
        })
      ).violations,
    ).toEqual([]);
  });
});

it("is mandatory, with remediation steps and a config schema", () => {
  expect(methodsRequireAuthorizer).toMatchObject({
    enforcementLevel: "mandatory",
    remediationSteps: expect.stringContaining("CUSTOM"),
    configSchema: { properties: { allowIamAuthorization: { type: "boolean", default: false } } },
  });
});

describe.each(BOTH_MODES)("an open OPTIONS method in %s", (_mode, preview) => {
  it("is refused when its integration runs a backend (AWS_PROXY), naming the route", async () => {
    const run = await runFixture("bad-options-proxied", preview);
    expect((await validateStack(methodsRequireAuthorizer, run)).violations).toEqual([
      {
        message: expect.stringMatching(
          /^Method "options" \(OPTIONS \/\) is open, but its integration is AWS_PROXY, so it runs a backend for anyone/,
        ),
        urn: run.resources.find((r) => r.name === "options")?.urn,
      },
    ]);
  });

  it("is refused when no integration for it is declared in the stack", async () => {
    const run = await runFixture("good-token-authorizer", preview);
    run.resources = run.resources.filter((r) => r.name !== "options-root-integration");
    expect((await validateStack(methodsRequireAuthorizer, run)).violations[0].message).toMatch(
      /\(OPTIONS \/\) is open, but no Integration for it is declared in this stack/,
    );
  });

  it("names the full path of a method on a child resource", async () => {
    const run = await runFixture("bad-second-method-open", preview);
    expect((await validateStack(methodsRequireAuthorizer, run)).violations[0].message).toContain(
      "Route: GET /items.",
    );
  });
});

it("refuses a method whose authorization is unknown at preview, naming its route", async () => {
  const run = await runFixture("bad-second-method-open", true);
  run.resources.find((r) => r.name === "get-items")!.inputs.authorization = UNKNOWN;
  expect((await validateStack(methodsRequireAuthorizer, run)).violations).toEqual([
    expect.objectContaining({
      message: expect.stringMatching(
        /^Method "get-items" \(GET \/items\): its authorization is not known before deployment/,
      ),
    }),
  ]);
});

describe.each(BOTH_MODES)("OPTIONS judged by its own integration only, in %s", (_mode, preview) => {
  it("refuses an OPTIONS proxied to code beside another method's MOCK built from it", async () => {
    const run = await runFixture("bad-options-borrowed-mock", preview);
    expect((await validateStack(methodsRequireAuthorizer, run)).violations).toEqual([
      {
        message: expect.stringMatching(
          /^Method "options" \(OPTIONS \/send\) is open, but its integration is AWS_PROXY/,
        ),
        urn: run.resources.find((r) => r.name === "options")?.urn,
      },
    ]);
  });

  it("finds a MOCK preflight whose integration names API and resource through siblings", async () => {
    const run = await runFixture("good-sibling-api-references", preview);
    expect((await validateStack(methodsRequireAuthorizer, run)).violations).toEqual([]);
  });
});
