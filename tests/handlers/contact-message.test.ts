import {
  FIELD_LIMITS,
  MAX_BODY_BYTES,
  composeEmail,
  parseContactRequest,
} from "../../handlers/contact-message";
import { HttpError } from "../../handlers/http";

const json = { "Content-Type": "application/json" };
const envelope = {
  from: "website@example.com",
  to: ["owner@example.com"],
  requestId: "req-1",
  receivedAt: new Date("2026-11-25T10:00:00Z"),
};

function refusal(request: Parameters<typeof parseContactRequest>[0]): HttpError {
  try {
    parseContactRequest(request);
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error("the request was accepted");
}

describe("parseContactRequest", () => {
  it("returns null for a request with no body (the fixed notification)", () => {
    expect(parseContactRequest({ body: null })).toBeNull();
    expect(parseContactRequest({ body: "" })).toBeNull();
  });

  it("reads a JSON message and trims its fields", () => {
    expect(
      parseContactRequest({
        body: JSON.stringify({ name: " Ada ", email: "ada@example.org", message: " Hi " }),
        headers: json,
      }),
    ).toEqual({ name: "Ada", email: "ada@example.org", message: "Hi" });
  });

  it("decodes a base64-encoded body", () => {
    const body = Buffer.from(JSON.stringify({ message: "encoded" })).toString("base64");
    expect(parseContactRequest({ body, isBase64Encoded: true, headers: json })).toEqual({
      message: "encoded",
    });
  });

  it("accepts a charset in the content type, in any header case", () => {
    const request = {
      body: '{"message":"x"}',
      headers: { "content-type": "application/json; charset=utf-8" },
    };
    expect(parseContactRequest(request)).toEqual({ message: "x" });
  });

  it("counts the size limit in bytes after decoding", () => {
    const message = "é".repeat(MAX_BODY_BYTES / 2);
    expect(refusal({ body: JSON.stringify({ message }), headers: json }).statusCode).toBe(413);
  });

  it("refuses header injection in every header-bound field", () => {
    for (const field of ["name", "email", "subject"]) {
      const body = JSON.stringify({ [field]: "x\r\nBcc: victim@example.com", message: "m" });
      expect(refusal({ body, headers: json }).message).toMatch(/line breaks/);
    }
  });

  it("refuses a blank JSON body, plain or base64, but not a request with no body", () => {
    for (const text of [" ", "\t\n", "\ufeff"]) {
      expect(refusal({ body: text, headers: json }).statusCode).toBe(400);
      const body = Buffer.from(text).toString("base64");
      expect(refusal({ body, isBase64Encoded: true, headers: json }).statusCode).toBe(400);
    }
    expect(parseContactRequest({ body: null, headers: json })).toBeNull();
  });

  it("refuses an unpaired surrogate in any field, naming it", () => {
    for (const field of Object.keys(FIELD_LIMITS)) {
      const value = field === "email" ? "a\ud800@example.org" : "text \udbff";
      const error = refusal({
        body: JSON.stringify({ message: "m", [field]: value }),
        headers: json,
      });
      expect(error.message).toMatch(new RegExp(`^Field "${field}"`));
    }
  });

  it("refuses invisible format and private-use characters in header-bound fields only", () => {
    for (const char of ["\u202e", "\u200b", "\ufeff", "\u2060", "\ue000", "\udb80\udc00"]) {
      for (const field of ["name", "subject"]) {
        const body = JSON.stringify({ message: "m", [field]: `a${char}b` });
        expect(refusal({ body, headers: json }).message).toMatch(new RegExp(`^Field "${field}"`));
      }
    }
    const body = JSON.stringify({ message: "joined\u200demoji", name: "Zoë 漢字 🚀" });
    expect(parseContactRequest({ body, headers: json })).toEqual({
      message: "joined\u200demoji",
      name: "Zoë 漢字 🚀",
    });
  });

  it("refuses RFC 2047 encoded words in name, subject and the email's local part", () => {
    // A mail client decodes =?charset?encoding?text?= in a header: "=?utf-8?b?...?=" can show
    // another sender, or, in the local part of Reply-To, send the answer elsewhere (Mailsploit).
    const words = [
      "=?utf-8?b?YWRtaW5AYmFuay5leGFtcGxl?=",
      "=?UTF-8?Q?Bob=0A?=",
      "x =?iso-8859-1?q?a?= y",
    ];
    for (const word of words) {
      for (const field of ["name", "subject"]) {
        const body = JSON.stringify({ message: "m", [field]: word });
        expect(refusal({ body, headers: json }).message).toBe(
          `Field "${field}" must not contain an RFC 2047 encoded word (=?...?=)`,
        );
      }
    }
    const email = JSON.stringify({ message: "m", email: "=?utf-8?q?a?=@example.org" });
    expect(refusal({ body: email, headers: json }).message).toBe(
      'Field "email" must not contain an RFC 2047 encoded word (=?...?=)',
    );
    // The message body is no header: it may quote one.
    const quoted = JSON.stringify({
      message: "My mailer shows =?utf-8?b?SGk=?= raw",
      subject: "a=?b",
    });
    expect(parseContactRequest({ body: quoted, headers: json })).toMatchObject({
      subject: "a=?b",
    });
  });

  it("allows line breaks in the message itself", () => {
    const body = JSON.stringify({ message: "line 1\nline 2" });
    expect(parseContactRequest({ body, headers: json })?.message).toBe("line 1\nline 2");
  });

  it("enforces each field's length limit", () => {
    for (const [field, limit] of Object.entries(FIELD_LIMITS)) {
      const value = field === "email" ? `${"a".repeat(limit)}@example.com` : "a".repeat(limit + 1);
      const body = JSON.stringify({ message: "m", [field]: value });
      expect(refusal({ body, headers: json }).statusCode).toBe(400);
    }
  });
});

describe("composeEmail", () => {
  it("mails a fixed notification for a bodyless request", () => {
    const email = composeEmail(null, envelope);
    expect(email).toMatchObject({
      from: "website@example.com",
      to: ["owner@example.com"],
      replyTo: [],
      subject: "mailer-api: the API was called",
    });
    expect(email.text).toContain("req-1");
  });

  it("puts the visitor's address in Reply-To, never in From or To", () => {
    const email = composeEmail(
      { name: "Ada", email: "ada@example.org", subject: "Order 42", message: "Hello" },
      envelope,
    );
    expect(email.from).toBe("website@example.com");
    expect(email.to).toEqual(["owner@example.com"]);
    expect(email.replyTo).toEqual(["ada@example.org"]);
    expect(email.subject).toBe("Contact form: Order 42");
    expect(email.text).toContain("Name: Ada");
    expect(email.text.endsWith("Hello")).toBe(true);
  });

  it("names the sender in the subject when there is no subject", () => {
    expect(composeEmail({ name: "Ada", message: "Hi" }, envelope).subject).toBe(
      "Contact form: message from Ada",
    );
  });
});
