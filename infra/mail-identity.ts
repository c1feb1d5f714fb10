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
  // Named by address, not by list position: reordering mailTo must not replace an identity (and
  // re-send its verification mail). Valid addresses never contain "::", so each name is a valid
  // URN segment, and distinct addresses give distinct names.
  const recipients = [...new Set(settings.mailTo)]
    .filter((address) => address !== settings.mailFrom)
    .map((email) => new aws.ses.EmailIdentity(`recipient-${email}`, { email }));
  const sendingArns = pulumi.all([sender.arn, ...recipients.map((identity) => identity.arn)]);
  return { sender, sendingArns };
}
