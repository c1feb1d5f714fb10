// One caller's bad request must not touch the next caller's email. The SDK's query serializer
// keeps a buffer across calls and clears it only after a successful write; a string it cannot
// encode (an unpaired UTF-16 surrogate) used to leave the failed request's fields at the start of
// the next SendEmail. Checked on the wire: the raw bodies the bundled mailer sends to a local SES.
import { useBundledMailer } from "../harness/bundles";
import { recordConsoleLog } from "../harness/console-log";
import { authorizedPost } from "../harness/proxy-event";
import { keyCounts, repeatedKeys } from "../harness/recording-ses";

const { mailer, ses: recording } = useBundledMailer({ ses: "recording" });
recordConsoleLog();

beforeEach(() => {
  recording().bodies.length = 0;
});

// JSON.stringify writes a lone surrogate as the escape \ud800, which JSON.parse turns back into
// the lone surrogate: exactly what an attacker's client sends.
describe.each(["message", "subject", "name"])("an unpaired surrogate in %s", (field) => {
  it("is refused with a 400 naming the field, and the next caller's email is intact", async () => {
    const attack = { message: "attacker text", [field]: `attacker \ud800 text` };
    const refused = await mailer().handler(authorizedPost(JSON.stringify(attack)));
    expect(refused.statusCode).toBe(400);
    expect((JSON.parse(refused.body) as { error: string }).error).toContain(`"${field}"`);
    expect(recording().bodies).toEqual([]);

    const visitor = { name: "Visitor", subject: "Hello", message: "visitor's own words" };
    const sent = await mailer().handler(authorizedPost(JSON.stringify(visitor)));
    expect(sent.statusCode).toBe(200);
    expect(recording().bodies).toHaveLength(1);
    const [body] = recording().bodies;
    expect(repeatedKeys(body)).toEqual([]);
    expect(keyCounts(body).get("Source")).toBe(1);
    expect(keyCounts(body).get("Message.Subject.Data")).toBe(1);
    expect(body).not.toContain("attacker");
    const params = new URLSearchParams(body);
    expect(params.get("Message.Subject.Data")).toBe("Contact form: Hello");
    expect(params.get("Message.Body.Text.Data")).toContain("visitor's own words");
  });
});

it("refuses a lone low surrogate and a reversed pair too, but accepts a real astral character", async () => {
  for (const text of ["\udc00 alone", "reversed \udc00\ud800 pair"]) {
    const answer = await mailer().handler(authorizedPost(JSON.stringify({ message: text })));
    expect(answer.statusCode).toBe(400);
  }
  expect(recording().bodies).toEqual([]);
  const answer = await mailer().handler(authorizedPost(JSON.stringify({ message: "a rocket 🚀" })));
  expect(answer.statusCode).toBe(200);
  expect(new URLSearchParams(recording().bodies[0]).get("Message.Body.Text.Data")).toContain("🚀");
});
