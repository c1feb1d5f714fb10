// SES email identities: the sender, and the recipients too, because the SES sandbox only
// delivers to verified addresses. Creating an identity makes AWS send its verification mail.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { MailerSettings } from "./settings";

export interface MailIdentities {
  sender: aws.ses.EmailIdentity;
  /** ARNs SES checks when the mailer sends: the sender's and, in the sandbox, the recipients'. */
  sendingArns: pulumi.Output<string[]>;
}

export function createMailIdentities(settings: MailerSettings): MailIdentities {
  const sender = new aws.ses.EmailIdentity("sender", { email: settings.mailFrom });
  const recipients = [...new Set(settings.mailTo)]
    .filter((address) => address !== settings.mailFrom)
    .map((email, index) => new aws.ses.EmailIdentity(`recipient-${index + 1}`, { email }));
  const sendingArns = pulumi.all([sender.arn, ...recipients.map((identity) => identity.arn)]);
  return { sender, sendingArns };
}
