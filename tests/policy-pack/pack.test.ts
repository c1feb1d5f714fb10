// The pack as a whole: what PulumiPolicy.yaml and the CLI expect of it.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { POLICY_PACK_NAME, policies } from "../../policy-pack/policies";
import { PROJECT_DIR } from "../harness/pulumi";

it("declares a Node.js pack for the CLI", () => {
  const manifest = parse(readFileSync(join(PROJECT_DIR, "policy-pack/PulumiPolicy.yaml"), "utf8"));
  expect(manifest).toMatchObject({ runtime: "nodejs", description: expect.any(String) });
  expect(POLICY_PACK_NAME).toMatch(/^[a-z0-9-]+$/);
});

it("names every policy in kebab-case, with a description, a level and remediation steps", () => {
  expect(new Set(policies.map((policy) => policy.name)).size).toBe(policies.length);
  for (const policy of policies) {
    expect(policy.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)+$/);
    expect(policy.description.length).toBeGreaterThan(30);
    expect(["mandatory", "advisory"]).toContain(policy.enforcementLevel);
    expect(policy.remediationSteps?.length).toBeGreaterThan(30);
  }
});

it("ships an example config that names only policies of the pack", () => {
  const example = JSON.parse(
    readFileSync(join(PROJECT_DIR, "policy-pack/policy-config.example.json"), "utf8"),
  ) as Record<string, unknown>;
  const names = policies.map((policy) => policy.name);
  for (const key of Object.keys(example)) expect(names).toContain(key);
});

it("keeps each policy in a file named by its id, tested in a file of the same name", () => {
  for (const policy of policies) {
    const module = require(join(PROJECT_DIR, "policy-pack/policies", policy.name)) as object;
    expect({ [policy.name]: Object.values(module) }).toEqual({
      [policy.name]: expect.arrayContaining([policy]),
    });
    expect(existsSync(join(PROJECT_DIR, "tests/policy-pack", `${policy.name}.test.ts`))).toBe(true);
  }
});

it("gives every policy a config schema, so its options are checked when a config is passed", () => {
  for (const policy of policies) {
    expect({ [policy.name]: policy.configSchema?.properties }).toEqual({
      [policy.name]: expect.any(Object),
    });
  }
});

it("names the entry of every fixture program, or the language host would run the repository's", () => {
  const fixtures = join(PROJECT_DIR, "tests/fixtures/programs");
  const withoutMain = readdirSync(fixtures, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(fixtures, entry.name, "Pulumi.yaml"))
    .filter((file) => existsSync(file))
    .filter((file) => !(parse(readFileSync(file, "utf8")) as { main?: string }).main);
  expect(withoutMain).toEqual([]);
});
