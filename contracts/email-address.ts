// One definition of "a valid email address", shared by the mailer's input validation and the
// Pulumi config check. Deliberately stricter than RFC 5322: a single mailbox, no display name,
// no quoted local part, no comments, no whitespace or control characters (so it can never
// smuggle a header or a second recipient), and a dotted domain.
const MAX_EMAIL_LENGTH = 254;
const EMAIL_PATTERN =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

export function isEmailAddress(value: unknown): value is string {
  return (
    typeof value === "string" &&
    value.length <= MAX_EMAIL_LENGTH &&
    EMAIL_PATTERN.test(value) &&
    !value.startsWith(".") &&
    !value.includes("..") &&
    !value.split("@")[0].endsWith(".")
  );
}
