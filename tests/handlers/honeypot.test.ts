import { validateContactMessage } from "../../handlers/contact-message";
import { HONEYPOT_FIELD, decoyMessageId, isHoneypotFilled } from "../../handlers/honeypot";

describe("the honeypot field", () => {
  it("is accepted by validation, trimmed, and dropped when empty", () => {
    expect(validateContactMessage({ message: "hi", [HONEYPOT_FIELD]: " x " })).toEqual({
      message: "hi",
      website: "x",
    });
    expect(validateContactMessage({ message: "hi", website: "  " })).toEqual({ message: "hi" });
  });

  it("counts as filled only with a non-blank value", () => {
    expect(isHoneypotFilled(null)).toBe(false);
    expect(isHoneypotFilled({ message: "hi" })).toBe(false);
    expect(isHoneypotFilled(validateContactMessage({ message: "hi", website: " " }))).toBe(false);
    expect(isHoneypotFilled({ message: "hi", website: "x" })).toBe(true);
  });

  it("is refused like any field when it is not a string", () => {
    expect(() => validateContactMessage({ message: "hi", website: 1 })).toThrow(
      'Field "website" must be a string',
    );
  });
});

describe("decoyMessageId", () => {
  it("has the shape of an SES MessageId, with the time in its first part", () => {
    const at = new Date("2026-11-25T21:00:00.000Z");
    const id = decoyMessageId(at);
    expect(id).toMatch(
      /^0100[0-9a-f]{12}-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}-000000$/,
    );
    expect(parseInt(id.slice(4, 16), 16)).toBe(at.getTime());
    expect(decoyMessageId(at)).not.toBe(id);
  });
});
