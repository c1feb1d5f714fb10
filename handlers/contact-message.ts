// Pure logic of the mailer: turn an API Gateway request body into a validated contact message,
// and a message into the email SES sends. No I/O here, so every rule is unit-testable.
import { isEmailAddress } from "../contracts/email-address";
import { HttpError } from "./http";

/** Largest request body accepted, in bytes after base64 decoding (413 above). */
export const MAX_BODY_BYTES = 16 * 1024;
/** Longest value of each field, in characters (400 above). */
export const FIELD_LIMITS = {
  name: 100,
  email: 254,
  subject: 150,
  message: 10_000,
  // The honeypot (handlers/honeypot.ts): accepted so a bot that fills it gets no 400.
  website: 200,
} as const;

const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

type ContactField = keyof typeof FIELD_LIMITS;
const CONTACT_FIELDS = Object.keys(FIELD_LIMITS) as ContactField[];
/** Fields that end up in an email header: no line breaks allowed (header injection). */
const HEADER_FIELDS: readonly ContactField[] = ["name", "email", "subject"];
/**
 * An RFC 2047 encoded word, `=?charset?encoding?text?=`, in any shape: a mail client decodes it
 * in a header, so "=?utf-8?b?...?=" could display another sender or carry a line break, and in
 * an address's local part send the owner's answer elsewhere. Read as: "=?", anything, "?=".
 */
const ENCODED_WORD = /=\?[\s\S]*\?=/;

export interface ContactMessage {
  name?: string;
  email?: string;
  subject?: string;
  message: string;
  /** The honeypot: empty from a person; never mailed. */
  website?: string;
}

/** The parts of a proxy event the contact form's parser reads. */
export interface ContactRequest {
  body: string | null | undefined;
  isBase64Encoded?: boolean;
  headers?: Record<string, string | undefined> | null;
}

/**
 * The visitor's message, `null` for a request with no body (the plain `curl -X POST` of the
 * original setup, which mails a fixed notification), or an HttpError saying what is wrong.
 */
export function parseContactRequest(request: ContactRequest): ContactMessage | null {
  const rawBody = request.body ?? "";
  if (rawBody === "") return null;
  if (rawBody.length > MAX_BODY_BYTES * 2) throw tooLarge();
  if (request.isBase64Encoded && !BASE64_PATTERN.test(rawBody)) {
    throw new HttpError(400, "The body is not valid base64");
  }
  const bodyBytes = request.isBase64Encoded
    ? Buffer.from(rawBody, "base64")
    : Buffer.from(rawBody, "utf8");
  if (bodyBytes.length > MAX_BODY_BYTES) throw tooLarge();
  if (bodyBytes.length === 0) return null;

  const contentType = headerValue(request.headers, "content-type");
  if (
    typeof contentType !== "string" ||
    !/^application\/json\s*(;.*)?$/i.test(contentType.trim())
  ) {
    throw new HttpError(415, "The body must be JSON, sent with Content-Type: application/json");
  }
  const text = bodyBytes.toString("utf8");
  // A JSON request must carry JSON: only a request with no body at all is the notification.
  if (text.trim() === "") {
    throw new HttpError(400, 'The body is blank; send a JSON object such as {"message": "Hello"}');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new HttpError(400, "The body is not valid JSON");
  }
  return validateContactMessage(parsed);
}

export function validateContactMessage(value: unknown): ContactMessage {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new HttpError(400, 'The body must be a JSON object such as {"message": "Hello"}');
  }
  const record = value as Record<string, unknown>;
  const unknownField = Object.keys(record).find(
    (key) => !(CONTACT_FIELDS as string[]).includes(key),
  );
  if (unknownField !== undefined) {
    throw new HttpError(
      400,
      `Unknown field "${truncate(unknownField, 40)}"; allowed fields: ${CONTACT_FIELDS.join(", ")}`,
    );
  }
  const message: Partial<ContactMessage> = {};
  for (const field of CONTACT_FIELDS) {
    const fieldValue = record[field];
    if (fieldValue === undefined) continue;
    if (typeof fieldValue !== "string") {
      throw new HttpError(400, `Field "${field}" must be a string`);
    }
    if (fieldValue.length > FIELD_LIMITS[field]) {
      throw new HttpError(400, `Field "${field}" is longer than ${FIELD_LIMITS[field]} characters`);
    }
    if (HEADER_FIELDS.includes(field) && /[\r\n]/.test(fieldValue)) {
      throw new HttpError(400, `Field "${field}" must not contain line breaks`);
    }
    if (HEADER_FIELDS.includes(field) && ENCODED_WORD.test(fieldValue)) {
      throw new HttpError(
        400,
        `Field "${field}" must not contain an RFC 2047 encoded word (=?...?=)`,
      );
    }
    const unicodeProblem = findUnicodeProblem(field, fieldValue);
    if (unicodeProblem !== undefined) {
      throw new HttpError(400, `Field "${field}" ${unicodeProblem}`);
    }
    // Control characters (other than tab and line breaks in the message) have no place in mail.
    const allowed = field === "message" ? /[\t\r\n]/ : /\t/;
    if ([...fieldValue].some((char) => isControlCharacter(char) && !allowed.test(char))) {
      throw new HttpError(400, `Field "${field}" contains control characters`);
    }
    message[field] = fieldValue.trim();
  }
  if (message.message === undefined || message.message === "") {
    throw new HttpError(400, 'Field "message" is required and must not be empty');
  }
  if (message.email !== undefined && message.email !== "" && !isEmailAddress(message.email)) {
    throw new HttpError(400, 'Field "email" is not a valid email address');
  }
  return dropEmpty(message as ContactMessage);
}

export interface OutgoingEmail {
  from: string;
  to: string[];
  replyTo: string[];
  subject: string;
  text: string;
}

export function composeEmail(
  contact: ContactMessage | null,
  envelope: { from: string; to: string[]; requestId: string; receivedAt: Date },
): OutgoingEmail {
  const base = { from: envelope.from, to: envelope.to };
  if (contact === null) {
    return {
      ...base,
      replyTo: [],
      subject: "mailer-api: the API was called",
      text: [
        "Your mailer API received a POST with no message.",
        "",
        `Time: ${envelope.receivedAt.toISOString()}`,
        `Request id: ${envelope.requestId}`,
      ].join("\n"),
    };
  }
  const sender = contact.name ?? contact.email ?? "a visitor";
  return {
    ...base,
    replyTo: contact.email ? [contact.email] : [],
    subject: contact.subject
      ? `Contact form: ${contact.subject}`
      : `Contact form: message from ${sender}`,
    text: [
      `Name: ${contact.name ?? "(not given)"}`,
      `Email: ${contact.email ?? "(not given)"}`,
      `Received: ${envelope.receivedAt.toISOString()}`,
      "",
      contact.message,
    ].join("\n"),
  };
}

export function headerValue(
  headers: Record<string, string | undefined> | null | undefined,
  name: string,
): string | undefined {
  if (!headers) return undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

function tooLarge(): HttpError {
  return new HttpError(413, `The body is larger than ${MAX_BODY_BYTES} bytes`);
}

// With the u flag, \p{Cs} matches only surrogates that are not part of a valid pair.
const UNPAIRED_SURROGATE = /\p{Cs}/u;
// Format characters (U+202E right-to-left override, U+200B, U+FEFF...) and private-use characters
// can make a header display something other than what it holds.
const HIDDEN_OR_PRIVATE = /[\p{Cf}\p{Co}]/u;

/** Why a field's text cannot go into an email, or undefined when it can. */
function findUnicodeProblem(field: ContactField, value: string): string | undefined {
  // The SDK cannot encode an unpaired surrogate: refuse it before it gets near SES.
  if (UNPAIRED_SURROGATE.test(value)) return "contains an unpaired UTF-16 surrogate";
  if (HEADER_FIELDS.includes(field) && HIDDEN_OR_PRIVATE.test(value)) {
    return "contains invisible formatting or private-use characters";
  }
  return undefined;
}

function isControlCharacter(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return code < 0x20 || (code >= 0x7f && code < 0xa0) || code === 0x2028 || code === 0x2029;
}

function truncate(value: string, length: number): string {
  return value.length > length ? `${value.slice(0, length)}…` : value;
}

function dropEmpty(message: ContactMessage): ContactMessage {
  const result: ContactMessage = { message: message.message };
  if (message.name) result.name = message.name;
  if (message.email) result.email = message.email;
  if (message.subject) result.subject = message.subject;
  if (message.website) result.website = message.website;
  return result;
}
