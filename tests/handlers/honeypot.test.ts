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

  // The first four digits name the SES region (seen in real Message-IDs, "...@<region>.amazonses.com").
  it.each([
    ["us-east-1", "0100"],
    ["us-west-2", "0101"],
    ["eu-west-1", "0102"],
    ["eu-central-1", "0107"],
    ["eu-west-2", "010b"],
    ["us-east-2", "010f"],
  ])("starts as a real MessageId of %s does (%s)", (region, prefix) => {
    expect(decoyMessageId(new Date(), region).slice(0, 4)).toBe(prefix);
  });

  it("takes the region from the function's AWS_REGION when none is given", () => {
    const saved = process.env.AWS_REGION;
    process.env.AWS_REGION = "eu-west-1";
    try {
      expect(decoyMessageId().slice(0, 4)).toBe("0102");
    } finally {
      if (saved === undefined) delete process.env.AWS_REGION;
      else process.env.AWS_REGION = saved;
    }
  });
});
