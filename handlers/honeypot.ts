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
 * An id shaped like the MessageId SES returns (16 hex digits, the first 4 "0100" and the rest the
 * time in milliseconds, then a UUID and "-000000"), so a dropped message looks sent.
 */
export function decoyMessageId(now: Date = new Date()): string {
  const time = now.getTime().toString(16).padStart(12, "0");
  return `0100${time}-${randomUUID()}-000000`;
}
