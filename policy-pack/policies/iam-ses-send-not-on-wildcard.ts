import type { StackValidationPolicy } from "@pulumi/policy";
import { TYPES, describe, ofType, read } from "./stack-resources";

interface Statement {
  Effect?: string;
  Action?: string | string[];
  Resource?: string | string[];
}

const SES_SEND = /^ses:(\*|Send[A-Za-z]*|\*Email|Send\*)$/;

/** A mailer that may send as any identity is an open relay waiting for a bug. */
export const sesSendNotOnWildcard: StackValidationPolicy = {
  name: "iam-ses-send-not-on-wildcard",
  description: "IAM policies should not grant SES send permissions on every resource (*).",
  enforcementLevel: "advisory",
  severity: "high",
  remediationSteps:
    "Scope ses:SendEmail / ses:SendRawEmail to the sender identity's ARN (aws.ses.EmailIdentity `arn`) and add a `ses:FromAddress` condition.",
  // No options beyond the enforcement level every policy takes.
  configSchema: { properties: {} },
  validateStack: (args, reportViolation) => {
    const policies = [
      ...ofType(args.resources, TYPES.rolePolicy),
      ...ofType(args.resources, TYPES.policy),
    ];
    for (const policy of policies) {
      const document = read(policy, "policy");
      if (typeof document !== "string") continue;
      let statements: Statement[];
      try {
        const parsed = JSON.parse(document) as { Statement?: Statement | Statement[] };
        statements = [parsed.Statement ?? []].flat();
      } catch {
        continue;
      }
      const wildcard = statements.some(
        (statement) =>
          statement.Effect === "Allow" &&
          [statement.Action ?? []]
            .flat()
            .some((action) => action === "*" || SES_SEND.test(action)) &&
          [statement.Resource ?? []].flat().includes("*"),
      );
      if (wildcard) {
        reportViolation(`${describe(policy)} allows sending email through SES on "*".`, policy.urn);
      }
    }
  },
};
