import { functionUrlsRequireAuth as policy } from "../../policy-pack/policies/lambda-function-urls-require-auth";
import { BOTH_MODES, runFixture, validateStack } from "../harness/policy";

describe.each(BOTH_MODES)("lambda-function-urls-require-auth in %s", (_mode, preview) => {
  it("refuses a function URL with no auth, naming its function", async () => {
    const run = await runFixture("bad-function-url-open", preview);
    expect((await validateStack(policy, run)).violations).toEqual([
      {
        message: expect.stringMatching(
          /^FunctionUrl "url" \(function "handler"\) has authorizationType "NONE": anyone on the internet/,
        ),
        urn: run.resources.find((r) => r.name === "url")?.urn,
      },
    ]);
  });

  it("allows an AWS_IAM function URL only when the config does", async () => {
    const run = await runFixture("good-function-url-iam", preview);
    expect((await validateStack(policy, run)).violations[0].message).toContain(
      "the config does not allow AWS_IAM function URLs",
    );
    expect(
      (await validateStack(policy, run, { config: { allowIamAuthorization: true } })).violations,
    ).toEqual([]);
  });

  it("passes a stack with no function URL", async () => {
    expect(
      (await validateStack(policy, await runFixture("good-http-api-jwt", preview))).violations,
    ).toEqual([]);
  });
});
