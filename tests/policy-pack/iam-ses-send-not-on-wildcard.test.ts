import { sesSendNotOnWildcard } from "../../policy-pack/policies/iam-ses-send-not-on-wildcard";
import { validateStack } from "../harness/policy";
import { runProdStack } from "../harness/pulumi";

describe("iam-ses-send-not-on-wildcard", () => {
  it("passes the project's own stack, whose SES rights are scoped to the identities", async () => {
    expect((await validateStack(sesSendNotOnWildcard, await runProdStack())).violations).toEqual(
      [],
    );
  });

  it.each([["ses:SendEmail"], ["ses:*"], ["*"]])("flags %s on *", async (action) => {
    const run = await runProdStack();
    const policy = run.resources.find((resource) => resource.name === "mailer-ses-send");
    if (!policy) throw new Error("the program no longer declares mailer-ses-send");
    const document = JSON.parse(policy.inputs.policy as string);
    document.Statement[0].Action = action;
    document.Statement[0].Resource = "*";
    policy.inputs.policy = JSON.stringify(document);
    const outcome = await validateStack(sesSendNotOnWildcard, run);
    expect(outcome.violations).toEqual([
      {
        message: 'RolePolicy "mailer-ses-send" allows sending email through SES on "*".',
        urn: policy.urn,
      },
    ]);
  });

  it("is silent at preview, where the policy document is not known yet", async () => {
    const outcome = await validateStack(
      sesSendNotOnWildcard,
      await runProdStack({ preview: true }),
    );
    expect(outcome).toEqual({ violations: [] });
  });
});
