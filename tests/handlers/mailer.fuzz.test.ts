// A seeded, bounded fuzz of the bundled mailer against a local SES that records every raw request:
// valid messages, known-malformed ones, and random mutations of both, one after another in one
// container, as a warm Lambda sees them. Whatever comes in: no crash, no 5xx, no SES request for a
// refused input, and every SES request carries each field exactly once, with its own text only.
import type { APIGatewayProxyResult } from "aws-lambda";
import { FIELD_LIMITS } from "../../handlers/contact-message";
import { TEST_MAILER_ENV, useBundledMailer } from "../harness/bundles";
import { recordConsoleLog } from "../harness/console-log";
import { authorizedPost } from "../harness/proxy-event";
import { keyCounts } from "../harness/recording-ses";
import { seededRandom } from "../harness/seeded-random";

const SEED = 0x9e3779b9;
const EVENTS = 3000;
const { MAIL_FROM, MAIL_TO } = TEST_MAILER_ENV;

const next = seededRandom(SEED);
const int = (max: number) => Math.floor(next() * max);
const pick = <T>(items: readonly T[]): T => items[int(items.length)];
const chance = (p: number) => next() < p;

// Text a visitor may write: ASCII, accents, CJK, a right-to-left script, emoji (surrogate pairs).
const SAFE_PIECES = [
  "a",
  "Z",
  "7",
  " ",
  "é",
  "ß",
  "漢",
  "字",
  "ש",
  "ل",
  "🚀",
  "👍",
  "-",
  "'",
  ".",
  ",",
  "!",
  "?",
];
const MESSAGE_ONLY_PIECES = ["\n", "\t", "\r\n", "\u200d"];
// What must be refused, and where.
const ANY_FIELD_POISON = [
  "\ud800",
  "\udfff",
  "\udc00\ud800",
  "\u0000",
  "\u0007",
  "\u001b",
  "\u007f",
  "\u0085",
];
const HEADER_POISON = ["\r", "\n", "\u202e", "\u200b", "\ufeff", "\u2066", "\ue000", "\u00ad"];

function text(maxLength: number, pieces: readonly string[]): string {
  let value = pick(["A", "b", "Ü", "字"]);
  const target = 1 + int(maxLength);
  while (value.length < target) {
    const piece = pick(pieces);
    if (value.length + piece.length > maxLength) break;
    value += piece;
  }
  return value;
}

function email(): string {
  const local = text(12, ["a", "b", "x", "1", "_", "+", "-"]).replace(/[^A-Za-z0-9_+-]/g, "a");
  return `${local || "a"}@${pick(["example.org", "sub.example.com", "mail.example.net"])}`;
}

interface ValidFields {
  name?: string;
  email?: string;
  subject?: string;
  message: string;
}

function validFields(): ValidFields {
  const fields: ValidFields = {
    // The longest messages in ASCII, so that the body stays under its byte limit.
    message: chance(0.05)
      ? text(FIELD_LIMITS.message, ["a", "b", " ", "."])
      : text(400, [...SAFE_PIECES, ...MESSAGE_ONLY_PIECES]),
  };
  if (chance(0.7)) fields.name = text(FIELD_LIMITS.name, SAFE_PIECES);
  if (chance(0.6)) fields.email = email();
  if (chance(0.6)) fields.subject = text(FIELD_LIMITS.subject, SAFE_PIECES);
  return fields;
}

function insertAt(value: string, piece: string): string {
  const at = int(value.length + 1);
  // Never split a surrogate pair of the original text: that would be a second, unplanned fault.
  const safeAt = /[\udc00-\udfff]/.test(value[at] ?? "") ? at + 1 : at;
  return value.slice(0, safeAt) + piece + value.slice(safeAt);
}

type Case = { label: string; event: unknown; expect: "sent" | "refused" | "either" };

const encode = (body: string, base64: boolean) =>
  base64 ? Buffer.from(body, "utf8").toString("base64") : body;

function post(body: string | null, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const base64 = body !== null && chance(0.2);
  const contentType = pick([
    "application/json",
    "application/json; charset=utf-8",
    "APPLICATION/JSON",
  ]);
  return {
    ...authorizedPost(body === null ? null : encode(body, base64), {
      [pick(["Content-Type", "content-type"])]: contentType,
    }),
    isBase64Encoded: base64,
    ...extra,
  };
}

const malformers: Array<() => Case> = [
  () => {
    const fields = validFields();
    const field = pick(["name", "subject", "message", "email"] as const);
    const poisoned = { ...fields, [field]: insertAt(fields[field] ?? "x", pick(ANY_FIELD_POISON)) };
    return {
      label: `poison in ${field}`,
      event: post(JSON.stringify(poisoned)),
      expect: "refused",
    };
  },
  () => {
    const fields = validFields();
    const field = pick(["name", "subject"] as const);
    const poisoned = { ...fields, [field]: insertAt(fields[field] ?? "x", pick(HEADER_POISON)) };
    return {
      label: `header poison in ${field}`,
      event: post(JSON.stringify(poisoned)),
      expect: "refused",
    };
  },
  () => {
    const field = pick(["name", "subject", "message"] as const);
    const body = { ...validFields(), [field]: "y".repeat(FIELD_LIMITS[field] + 1 + int(50)) };
    return { label: `over-long ${field}`, event: post(JSON.stringify(body)), expect: "refused" };
  },
  () => ({
    label: "blank body",
    event: post(pick(["", " ", "\t", "\n\r\n", "\ufeff", " \ufeff "]).padEnd(1, " ")),
    expect: "refused",
  }),
  () => ({
    label: "not an object",
    event: post(pick(["null", "[]", '"message"', "42", "true", '[{"message":"m"}]'])),
    expect: "refused",
  }),
  () => ({
    label: "wrong type",
    event: post(
      JSON.stringify({
        ...validFields(),
        [pick(["name", "message", "email"])]: pick([1, null, [], {}, true]),
      }),
    ),
    expect: "refused",
  }),
  () => ({
    label: "unknown field",
    event: post(
      JSON.stringify({
        ...validFields(),
        [pick(["to", "bcc", "from", "\ud800", "__proto__x"])]: "v",
      }),
    ),
    expect: "refused",
  }),
  () => ({
    label: "bad email",
    event: post(
      JSON.stringify({
        ...validFields(),
        email: pick(["a@b", "a,b@example.com", "<a@example.com>", "a@example.com\nBcc: x@y.z"]),
      }),
    ),
    expect: "refused",
  }),
  () => ({
    label: "missing message",
    event: post(JSON.stringify({ name: "n" })),
    expect: "refused",
  }),
  () => ({
    label: "wrong content type",
    event: {
      ...authorizedPost('{"message":"m"}', {
        "Content-Type": pick(["text/plain", "application/xml", ""]),
      }),
    },
    expect: "refused",
  }),
  () => ({
    label: "invalid base64",
    event: post(null, { body: "!!!!", isBase64Encoded: true }),
    expect: "refused",
  }),
  () => ({
    label: "other method",
    event: post(null, { httpMethod: pick(["GET", "PUT", "DELETE", "post"]) }),
    expect: "refused",
  }),
  () => ({
    label: "not an API Gateway event",
    event: pick<unknown>([
      null,
      undefined,
      [],
      "POST",
      0,
      {},
      { httpMethod: "POST" },
      { body: "{}" },
    ]),
    expect: "refused",
  }),
  () => ({
    label: "no authorizer context",
    event: post(JSON.stringify(validFields()), {
      requestContext: pick([
        {},
        { authorizer: {} },
        { authorizer: { authorizedBy: "other" } },
        null,
      ]),
    }),
    expect: "refused",
  }),
  () => ({
    label: "body of the wrong type",
    event: post(null, { body: pick<unknown>([1, {}, [], true]) }),
    expect: "refused",
  }),
  () => ({ label: "huge body", event: post("x".repeat(70_000)), expect: "refused" }),
  () => {
    // Random damage to a valid body: may still be valid JSON, so either outcome is allowed.
    const chars = [...JSON.stringify(validFields())];
    for (let i = 0; i < 1 + int(4); i += 1) {
      const at = int(chars.length);
      const action = int(3);
      if (action === 0) chars.splice(at, 1);
      else if (action === 1)
        chars.splice(at, 0, pick(['"', "{", "}", ",", ":", "\\", "\ud800", "\u0000", " "]));
      else chars[at] = pick(['"', "x", "]", "\\u"]);
    }
    return { label: "mutated JSON", event: post(chars.join("")), expect: "either" };
  },
];

function nextCase(): Case {
  if (chance(0.45)) {
    if (chance(0.1)) return { label: "no body", event: post(null), expect: "sent" };
    return { label: "valid", event: post(JSON.stringify(validFields())), expect: "sent" };
  }
  return pick(malformers)();
}

const SEND_EMAIL_KEYS = [
  "Action",
  "Version",
  "Source",
  "Destination.ToAddresses.member.1",
  "Message.Subject.Data",
  "Message.Subject.Charset",
  "Message.Body.Text.Data",
  "Message.Body.Text.Charset",
];

const { mailer, ses: recording } = useBundledMailer({ ses: "recording" });
recordConsoleLog();

it(`survives ${EVENTS} seeded events (seed ${SEED.toString(16)})`, async () => {
  const outcomes = { sent: 0, refused: 0 };
  for (let index = 0; index < EVENTS; index += 1) {
    const testCase = nextCase();
    const where = `event ${index} (${testCase.label}, seed ${SEED.toString(16)})`;
    const before = recording().bodies.length;
    let answer: APIGatewayProxyResult;
    try {
      answer = await mailer().handler(testCase.event);
    } catch (error) {
      throw new Error(`${where}: the handler threw`, { cause: error });
    }
    const requests = recording().bodies.slice(before);
    const status = answer.statusCode;
    if (status >= 500) throw new Error(`${where}: answered ${status} ${answer.body}`);
    if (testCase.expect === "sent" && status !== 200) {
      throw new Error(`${where}: a valid request was refused: ${status} ${answer.body}`);
    }
    if (testCase.expect === "refused" && status === 200) {
      throw new Error(`${where}: an invalid request was sent`);
    }
    if (status !== 200 && requests.length !== 0) {
      throw new Error(`${where}: refused with ${status} but SES was called`);
    }
    if (status === 200) {
      if (requests.length !== 1) throw new Error(`${where}: ${requests.length} SES requests`);
      const counts = keyCounts(requests[0]);
      const keys = [...counts.keys()].filter((key) => key !== "ReplyToAddresses.member.1");
      if (
        [...counts.values()].some((count) => count !== 1) ||
        keys.sort().join() !== [...SEND_EMAIL_KEYS].sort().join()
      ) {
        throw new Error(`${where}: malformed SES request ${requests[0].slice(0, 300)}`);
      }
      const params = new URLSearchParams(requests[0]);
      if (
        params.get("Source") !== MAIL_FROM ||
        params.get("Destination.ToAddresses.member.1") !== MAIL_TO
      ) {
        throw new Error(`${where}: sent from or to an address the caller chose`);
      }
    }
    outcomes[status === 200 ? "sent" : "refused"] += 1;
    if (index % 500 === 499) await recording().ses.clear();
  }
  // The mix really exercised both paths.
  expect(outcomes.sent).toBeGreaterThan(EVENTS * 0.3);
  expect(outcomes.refused).toBeGreaterThan(EVENTS * 0.3);
  expect(recording().bodies).toHaveLength(outcomes.sent);
});
