// README.md is the front door: short enough to read in five minutes, and each command a newcomer
// needs is there to copy, in a shell block of its own page.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../infra/bundle";

const readme = readFileSync(join(PROJECT_ROOT, "README.md"), "utf8");
const shellLines = [...readme.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].flatMap((block) =>
  block[1].split("\n").map((line) => line.trim()),
);

it("is at most 15,000 bytes", () => {
  expect(Buffer.byteLength(readme)).toBeLessThanOrEqual(15_000);
});

it.each([
  "npm ci && npm start",
  "npm test",
  "pulumi up --policy-pack policy-pack",
  "pulumi preview --policy-pack policy-pack",
  "npm run policy",
])("gives `%s` as a line to copy", (command) => {
  expect(shellLines).toContain(command);
});

it("names every script it tells the reader to run", () => {
  const scripts = Object.keys(
    (
      JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as {
        scripts: Record<string, string>;
      }
    ).scripts,
  );
  for (const [, script] of readme.matchAll(/npm run ([\w:-]+)/g)) expect(scripts).toContain(script);
});
