import { appSyncLambdaResolversRequireAuthorizer as policy } from "../../policy-pack/policies/appsync-lambda-resolvers-require-authorizer";
import { BOTH_MODES, runFixture, validateStack } from "../harness/policy";

describe.each(BOTH_MODES)("appsync-lambda-resolvers-require-authorizer in %s", (_mode, preview) => {
  it("refuses an API whose default mode is an API key", async () => {
    const run = await runFixture("bad-appsync-api-key", preview);
    expect((await validateStack(policy, run)).violations).toEqual([
      {
        message: expect.stringMatching(
          /^GraphQLApi "contact" \(Lambda data source "mailer"\) has authenticationType "API_KEY", a public token.*Use AWS_LAMBDA, OPENID_CONNECT, AMAZON_COGNITO_USER_POOLS instead\.$/,
        ),
        urn: run.resources.find((r) => r.name === "contact")?.urn,
      },
    ]);
  });

  it("refuses an additional API key mode that the schema opens a field to", async () => {
    const run = await runFixture("bad-appsync-extra-api-key", preview);
    expect((await validateStack(policy, run)).violations).toEqual([
      {
        message: expect.stringMatching(
          /^GraphQLApi "contact" \(Lambda data source "mailer"\): additional authentication provider "API_KEY" is allowed and the schema opens fields to it with @aws_api_key\./,
        ),
        urn: expect.any(String),
      },
    ]);
  });

  it("passes Cognito with an additional API key mode no field uses, and APIs it need not judge", async () => {
    for (const fixture of [
      "good-appsync-cognito-waf",
      "bad-appsync-unthrottled",
      "good-http-api-jwt",
    ]) {
      expect({
        fixture,
        ...(await validateStack(policy, await runFixture(fixture, preview))),
      }).toEqual({
        fixture,
        violations: [],
      });
    }
  });
});
