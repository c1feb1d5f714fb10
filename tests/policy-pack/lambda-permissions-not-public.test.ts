import {
  arnScopeProblem,
  grantsInvoke,
  lambdaPermissionsNotPublic as policy,
} from "../../policy-pack/policies/lambda-permissions-not-public";
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

describe.each(BOTH_MODES)("who can really invoke the function, in %s", (_mode, preview) => {
  it("refuses invoke wildcards, NotPrincipal, negated and wildcard source ARNs", async () => {
    const run = await runFixture("bad-permission-wildcards", preview);
    const messages = (await validateStack(policy, run)).violations.map((v) => v.message);
    const expected = [
      /^Permission "any-action" \(\* on function "handler"\) lets everyone/,
      /^Permission "lambda-star" \(lambda:\* on function "handler"\) grants apigateway\.amazonaws\.com without a sourceArn/,
      // A literal sourceArn is known in both modes.
      /^Permission "any-api" .*its sourceArn "arn:aws:execute-api:\*:\*:\*" has a wildcard where the account stands/,
      /^Permission "everyone-any-api" .*lets everyone .*has a wildcard where the account stands/,
      /^ResourcePolicy "wildcard-policy": statement "InvokePrefix" allows everyone/,
      /^ResourcePolicy "wildcard-policy": statement "AllButOne" uses NotPrincipal/,
      /^ResourcePolicy "wildcard-policy": statement "AnyApi" allows apigateway\.amazonaws\.com with an aws:SourceArn condition that has a wildcard where the account stands/,
      /^ResourcePolicy "wildcard-policy": statement "NegatedScope" allows everyone/,
    ];
    expect(messages).toEqual(expected.map((pattern) => expect.stringMatching(pattern)));
  });

  it("passes grants scoped to one API of this account", async () => {
    const run = await runFixture("good-permission-scoped", preview);
    expect((await validateStack(policy, run)).violations).toEqual([]);
  });
});

it.each([
  ["*", true],
  ["lambda:*", true],
  ["lambda:Inv*", true],
  ["lambda:invoke?unction", true],
  ["Lambda:InvokeFunctionUrl", true],
  ["lambda:Get*", false],
  ["s3:*", false],
])("reads the action %s as invoke: %s", (action, invokes) => {
  expect(grantsInvoke(action)).toBe(invokes);
});

it.each([
  ["arn:aws:execute-api:us-east-1:123456789012:a1b2c3/*/*", undefined],
  ["arn:aws:execute-api:*:*:*", /account/],
  ["arn:aws:execute-api:us-east-1::a1b2c3/*", /account/],
  ["arn:aws:execute-api:us-east-1:123456789012:*/prod/POST/", /API id/],
  ["arn:aws:s3:::my-bucket", undefined],
  ["arn:aws:sns:us-east-1:123456789012:*", /resource name/],
  ["not-an-arn", /not an ARN/],
])("judges the source ARN %s", (arn, problem) => {
  const found = arnScopeProblem(arn);
  if (problem === undefined) expect(found).toBeUndefined();
  else expect(found).toMatch(problem);
});
