import { sha256Hex } from "../../contracts/token";
import { isAcceptedToken, parseAcceptedDigests } from "../../handlers/token-check";

const token = "a".repeat(40);

describe("parseAcceptedDigests", () => {
  it("reads a comma-separated list of lowercase hex digests", () => {
    const digests = parseAcceptedDigests(`${sha256Hex(token)}, ${sha256Hex("b".repeat(40))}`);
    expect(digests.map((digest) => digest.toString("hex"))).toEqual([
      sha256Hex(token),
      sha256Hex("b".repeat(40)),
    ]);
  });

  it.each([undefined, "", "not-hex", sha256Hex(token).toUpperCase(), sha256Hex(token).slice(1)])(
    "ignores a missing or malformed entry: %p",
    (setting) => {
      expect(parseAcceptedDigests(setting)).toEqual([]);
    },
  );
});

describe("isAcceptedToken", () => {
  const accepted = parseAcceptedDigests(sha256Hex(token));

  it("accepts the token whose digest is configured", () => {
    expect(isAcceptedToken(token, accepted)).toBe(true);
  });

  it.each([
    ["a wrong token", "b".repeat(40)],
    ["the digest itself", sha256Hex(token)],
    ["a padded token", ` ${token} `],
    ["a token with a suffix", `${token}x`],
    ["an empty token", ""],
    ["an overlong token", "a".repeat(513)],
    ["a number", 42],
    ["undefined", undefined],
  ])("refuses %s", (_label, candidate) => {
    expect(isAcceptedToken(candidate, accepted)).toBe(false);
  });

  it("refuses every token when no digest is configured", () => {
    expect(isAcceptedToken(token, [])).toBe(false);
  });
});
