import { UNKNOWN } from "../../tools/engine/program-run";
import { customMethodsUseStackAuthorizer } from "../../policy-pack/policies/apigateway-custom-methods-use-stack-authorizer";
import { BOTH_MODES, runFixture, stackResources, validateStack } from "../harness/policy";

describe.each(BOTH_MODES)(
  "apigateway-custom-methods-use-stack-authorizer in %s",
  (_mode, preview) => {
    it.each(["good-token-authorizer", "good-cognito-authorizer", "bad-second-method-open"])(
      "passes %s, whose protected methods are wired to the stack's authorizer",
      async (fixture) => {
        const outcome = await validateStack(
          customMethodsUseStackAuthorizer,
          await runFixture(fixture, preview),
        );
        expect(outcome).toEqual({ violations: [] });
      },
    );

    it("refuses an API with methods and no authorizer in the stack", async () => {
      const run = await runFixture("bad-no-authorizer", preview);
      const outcome = await validateStack(customMethodsUseStackAuthorizer, run);
      expect(outcome.violations).toEqual([
        {
          message: expect.stringContaining(
            'RestApi "api" has methods (such as Method "post-root") but no Authorizer',
          ),
          urn: run.resources.find((r) => r.name === "api")?.urn,
        },
      ]);
    });

    it("refuses a CUSTOM method that names no authorizer", async () => {
      const outcome = await validateStack(
        customMethodsUseStackAuthorizer,
        await runFixture("bad-custom-without-authorizer", preview),
      );
      expect(outcome.violations.map((v) => v.message)).toEqual([
        expect.stringContaining("no Authorizer is declared"),
        expect.stringMatching(
          /^Method "post-root" \(POST \/\) names no authorizerId\. Pass an Authorizer/,
        ),
      ]);
    });
  },
);

it("finds the wiring at preview through property dependencies, where the id is unknown", async () => {
  const run = await runFixture("good-token-authorizer", true);
  const post = run.resources.find((resource) => resource.name === "post-root");
  expect(post?.inputs.authorizerId).toBe(UNKNOWN);
  const [policyView] = stackResources({ ...run, resources: [post!] });
  expect(() => policyView.props.authorizerId).toThrow(/can't be known during preview/);
  expect((await validateStack(customMethodsUseStackAuthorizer, run)).violations).toEqual([]);
});

describe.each(BOTH_MODES)("methods naming their API through siblings, in %s", (_mode, preview) => {
  it("finds the API of `restApi: resource.restApi` and its authorizer: no false refusal", async () => {
    const run = await runFixture("good-sibling-api-references", preview);
    expect((await validateStack(customMethodsUseStackAuthorizer, run)).violations).toEqual([]);
  });
});
