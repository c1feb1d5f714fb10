// The contact page's spam trap: a form field (`website`) that people never see and so leave empty,
// and that simple bots fill like any other input. A message with it filled is dropped unsent, and
// the bot gets the answer a real send gives, so it learns nothing to adapt to.
import { randomUUID } from "node:crypto";
import type { ContactMessage } from "./contact-message";

export const HONEYPOT_FIELD = "website";

export function isHoneypotFilled(contact: ContactMessage | null): boolean {
  return contact !== null && (contact[HONEYPOT_FIELD] ?? "") !== "";
}

/**
 * The first four hex digits of the MessageIds SES returns in a region, as seen in real
 * Message-IDs ("<id>@<region>.amazonses.com"). A region not listed here gets us-east-1's: its
 * decoys differ from its real ids in those four digits (add the region once one is seen).
 */
export const SES_MESSAGE_ID_PREFIXES: Readonly<Record<string, string>> = {
  "us-east-1": "0100",
  "us-west-2": "0101",
  "eu-west-1": "0102",
  "eu-central-1": "0107",
  "eu-west-2": "010b",
  "us-east-2": "010f",
};

/**
 * An id shaped like the MessageId SES returns in the function's region (16 hex digits: the
 * region's 4, then the time in milliseconds; then a UUID and "-000000"), so a dropped message
 * looks sent.
 */
export function decoyMessageId(
  now: Date = new Date(),
  region: string = process.env.AWS_REGION ?? "us-east-1",
): string {
  const prefix = SES_MESSAGE_ID_PREFIXES[region] ?? SES_MESSAGE_ID_PREFIXES["us-east-1"];
  const time = now.getTime().toString(16).padStart(12, "0");
  return `${prefix}${time}-${randomUUID()}-000000`;
}
