import { cloudFormationEntryPointsProtected as policy } from "../../policy-pack/policies/cloudformation-entry-points-protected";
import { BOTH_MODES, runFixture, validateStack } from "../harness/policy";

describe.each(BOTH_MODES)("cloudformation-entry-points-protected in %s", (_mode, preview) => {
  it("refuses a template's open function URL and open method, naming the stack, the resource and the policy", async () => {
    const run = await runFixture("bad-cloudformation-open", preview);
    const stack = run.resources.find((r) => r.name === "legacy")?.urn;
    expect((await validateStack(policy, run)).violations).toEqual([
      {
        message: expect.stringMatching(
          /^Stack "legacy" creates what apigateway-methods-require-authorizer refuses: Method "Send" \(POST\) has authorization "NONE".*Route: POST \/\.$/,
        ),
        urn: stack,
      },
      {
        message: expect.stringMatching(
          /^Stack "legacy" creates what apigateway-custom-methods-use-stack-authorizer refuses: RestApi "Api" has methods \(such as Method "Send"\) but no Authorizer/,
        ),
        urn: stack,
      },
      {
        message: expect.stringMatching(
          /^Stack "legacy" creates what lambda-function-urls-require-auth refuses: FunctionUrl "HandlerUrl" \(function "Handler"\) has authorizationType "NONE"/,
        ),
        urn: stack,
      },
    ]);
  });

  it("passes a template whose API has a token authorizer, a MOCK preflight and a throttled stage", async () => {
    const run = await runFixture("good-cloudformation-protected", preview);
    expect(await validateStack(policy, run)).toEqual({ violations: [] });
  });

  it("refuses a Cloud Control function URL with no auth, and passes a scoped Cloud Control permission", async () => {
    const bad = await runFixture("bad-cloudcontrol-function-url", preview);
    expect((await validateStack(policy, bad)).violations).toEqual([
      {
        message: expect.stringMatching(
          /^Resource "url" creates what lambda-function-urls-require-auth refuses: FunctionUrl "url" \(function "arn:aws:lambda:us-east-1:123456789012:function:handler"\) has authorizationType "NONE"/,
        ),
        urn: bad.resources.find((r) => r.name === "url")?.urn,
      },
    ]);
    const good = await runFixture("good-cloudcontrol-permission-scoped", preview);
    expect(await validateStack(policy, good)).toEqual({ violations: [] });
  });
});

describe("cloudformation-entry-points-protected on templates unknown at preview", () => {
  it("refuses, saying what could not be checked", async () => {
    const run = await runFixture("bad-cloudformation-unknown", true);
    expect((await validateStack(policy, run)).violations).toEqual([
      {
        message: expect.stringMatching(
          /^Stack "legacy": its templateBody is not known before deployment, so the functions, APIs and permissions it creates cannot be checked\. Keep the template literal/,
        ),
        urn: run.resources.find((r) => r.name === "legacy")?.urn,
      },
    ]);
  });

  it("judges the same template once it is known (an update)", async () => {
    const run = await runFixture("bad-cloudformation-unknown", false);
    expect((await validateStack(policy, run)).violations).toEqual([
      {
        message: expect.stringContaining("the config does not allow AWS_IAM function URLs"),
        urn: expect.any(String),
      },
    ]);
  });
});
