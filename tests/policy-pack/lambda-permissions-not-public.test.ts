import { lambdaPermissionsNotPublic as policy } from "../../policy-pack/policies/lambda-permissions-not-public";
import { BOTH_MODES, runFixture, validateStack } from "../harness/policy";

describe.each(BOTH_MODES)("lambda-permissions-not-public in %s", (_mode, preview) => {
  it.each(["good-http-api-jwt", "good-alb-lambda-protected", "good-function-url-iam"])(
    "passes %s (permissions scoped by sourceArn or to an account)",
    async (fixture) => {
      expect((await validateStack(policy, await runFixture(fixture, preview))).violations).toEqual(
        [],
      );
    },
  );

  it("refuses principal * and a service principal without sourceArn", async () => {
    const run = await runFixture("bad-permission-open", preview);
    const urn = (name: string) => run.resources.find((r) => r.name === name)?.urn;
    const { violations } = await validateStack(policy, run);
    expect(violations).toHaveLength(3);
    expect(violations).toEqual(
      expect.arrayContaining([
        {
          message: expect.stringMatching(
            /^Permission "any-api" \(lambda:InvokeFunction on function "handler"\) grants apigateway\.amazonaws\.com without a sourceArn/,
          ),
          urn: urn("any-api"),
        },
        {
          message: expect.stringMatching(
            /^Permission "everyone" .* lets everyone \(principal "\*"\)/,
          ),
          urn: urn("everyone"),
        },
        {
          message: expect.stringMatching(
            /^ResourcePolicy "public-policy" allows everyone \(Principal "\*"\) to invoke the function/,
          ),
          urn: urn("public-policy"),
        },
      ]),
    );
  });

  it("accepts principal * scoped to an organisation, a service scoped by aws:SourceArn, and ignores non-invoke actions", async () => {
    const run = await runFixture("bad-permission-open", preview);
    run.resources.find((r) => r.name === "everyone")!.inputs.principalOrgId = "o-example";
    const other = run.resources.find((r) => r.name === "any-api")!;
    other.inputs.action = "lambda:GetFunction";
    const document = run.resources.find((r) => r.name === "public-policy")!;
    document.inputs.policy = JSON.stringify({
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "apigateway.amazonaws.com" },
          Action: "lambda:InvokeFunction",
          Condition: { ArnLike: { "AWS:SourceArn": "arn:aws:execute-api:us-east-1:1:api/*" } },
        },
      ],
    });
    expect((await validateStack(policy, run)).violations).toEqual([]);
  });
});
