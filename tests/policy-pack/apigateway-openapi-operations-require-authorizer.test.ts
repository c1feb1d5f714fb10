import { openApiOperationsRequireAuthorizer as policy } from "../../policy-pack/policies/apigateway-openapi-operations-require-authorizer";
import { BOTH_MODES, runFixture, validateStack } from "../harness/policy";

describe.each(BOTH_MODES)(
  "apigateway-openapi-operations-require-authorizer in %s",
  (_mode, preview) => {
    it.each(["good-openapi-body-token", "good-aws-apigateway-token", "good-token-authorizer"])(
      "passes %s",
      async (fixture) => {
        expect(await validateStack(policy, await runFixture(fixture, preview))).toEqual({
          violations: [],
        });
      },
    );

    it("refuses a body with an open operation, naming its method and path", async () => {
      const run = await runFixture("bad-openapi-body-open", preview);
      const outcome = await validateStack(policy, run);
      expect(outcome.violations).toEqual([
        {
          message: expect.stringMatching(
            /^RestApi "api": GET \/items is open: it has no `security`/,
          ),
          urn: run.resources.find((r) => r.name === "api")?.urn,
        },
      ]);
    });

    it("refuses each open route of the @pulumi/aws-apigateway component", async () => {
      const outcome = await validateStack(
        policy,
        await runFixture("bad-aws-apigateway-open-route", preview),
      );
      expect(outcome.violations.map((v) => v.message)).toEqual([
        expect.stringContaining('RestAPI "api": route POST / is open: it has no `authorizers`'),
        expect.stringContaining('RestAPI "api": route GET /items/{id} is open'),
      ]);
    });
  },
);

it("refuses a body built from a new function's ARN at preview as unverifiable, and judges it once known", async () => {
  const atPreview = await validateStack(policy, await runFixture("bad-openapi-body-unknown", true));
  expect(atPreview.violations).toEqual([
    expect.objectContaining({ message: expect.stringContaining("not known before deployment") }),
  ]);
  const atUpdate = await validateStack(policy, await runFixture("bad-openapi-body-unknown", false));
  expect(atUpdate.violations).toEqual([
    expect.objectContaining({ message: expect.stringContaining("ANY /{proxy+} is open") }),
  ]);
});

it("counts a component route authorizer given only Cognito user pools (as pulumi-aws-apigateway's multi-auth example writes it)", async () => {
  const run = await runFixture("good-aws-apigateway-token", true);
  const component = run.resources.find((r) => r.type === "aws-apigateway:index:RestAPI")!;
  const routes = component.inputs.routes as Array<Record<string, unknown>>;
  const pools = [{ parameterName: "Authorization", providerARNs: ["arn:aws:cognito-idp:pool"] }];
  for (const route of routes) route.authorizers = pools;
  expect((await validateStack(policy, run)).violations).toEqual([]);
  for (const route of routes)
    route.authorizers = [{ parameterName: "Authorization", type: "token" }];
  expect((await validateStack(policy, run)).violations[0].message).toContain(
    "its authorizers name neither a Lambda handler nor a Cognito user pool",
  );
});

it("leaves an unknown body of the component's own child RestApi to the component's inputs", async () => {
  const run = await runFixture("good-aws-apigateway-token", true);
  const component = run.resources.find((r) => r.type === "aws-apigateway:index:RestAPI")!;
  const withBody = await runFixture("bad-openapi-body-unknown", true);
  const api = withBody.resources.find((r) => r.type === "aws:apigateway/restApi:RestApi")!;
  run.resources.push({ ...api, urn: `${api.urn}-child`, parent: component.urn });
  expect((await validateStack(policy, run)).violations).toEqual([]);
  run.resources[run.resources.length - 1].parent = undefined;
  expect((await validateStack(policy, run)).violations).toHaveLength(1);
});

describe.each(BOTH_MODES)("schemes from the body's own version, in %s", (_mode, preview) => {
  it("refuses a Swagger 2 body whose scheme sits under components.securitySchemes", async () => {
    const run = await runFixture("bad-openapi-mixed-schemes", preview);
    const messages = (await validateStack(policy, run)).violations.map((v) => v.message);
    expect(messages).toEqual([
      expect.stringMatching(
        /^RestApi "api": POST \/ is open: its `security` alternative "token" names no authorizer scheme in the Swagger 2 document's securityDefinitions/,
      ),
      expect.stringMatching(/^RestApi "api": GET \/items is open/),
    ]);
  });

  it("passes an OpenAPI 3 body with its scheme under components.securitySchemes", async () => {
    const run = await runFixture("good-openapi3-body-token", preview);
    expect((await validateStack(policy, run)).violations).toEqual([]);
  });
});
