import { cognitoGuestsCannotInvokeLambda as policy } from "../../policy-pack/policies/cognito-guests-cannot-invoke-lambda";
import { BOTH_MODES, runFixture, validateStack } from "../harness/policy";

describe.each(BOTH_MODES)("cognito-guests-cannot-invoke-lambda in %s", (_mode, preview) => {
  it("refuses a guest role that may invoke a function, naming the pool, the role and the fix", async () => {
    const run = await runFixture("bad-cognito-guests-invoke", preview);
    expect((await validateStack(policy, run)).violations).toEqual([
      {
        message: expect.stringMatching(
          /^IdentityPoolRoleAttachment "roles" gives the guests of IdentityPool "visitors" the role Role "guest", and RolePolicy "guest-invoke" allows lambda:InvokeFunction: anyone can get guest credentials.*allowUnauthenticatedIdentities: false/,
        ),
        urn: run.resources.find((r) => r.name === "roles")?.urn,
      },
    ]);
  });

  it("passes a pool where only the members' role may invoke", async () => {
    const run = await runFixture("good-cognito-members-invoke", preview);
    expect(await validateStack(policy, run)).toEqual({ violations: [] });
  });
});
