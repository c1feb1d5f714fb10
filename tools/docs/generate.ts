// What `npm run docs` writes: every generated region of the docs and the pack's manifest,
// computed from the code and the stack files. `expectedDocs` is pure (it reads through `read`), so
// the test compares the committed files with it and `npm run docs` writes it.
import { packManifest, policyTable } from "./policies";
import { protectionCostText } from "./protection-cost";
import { replaceRegion } from "./regions";
import { settingsTable } from "./settings";

/** Reads a file of the project by its path from the project's root. */
export type ReadFile = (path: string) => string;

/** Each generated file, by its path from the project's root, with the contents it must have. */
export function expectedDocs(read: ReadFile): Map<string, string> {
  const prodYaml = read("Pulumi.prod.yaml");
  const packSummary = (JSON.parse(read("policy-pack/package.json")) as { description: string })
    .description;
  const regions: Record<string, Record<string, () => string>> = {
    "docs/policy-pack.md": { policies: () => policyTable() },
    "docs/deploy-and-operate.md": { settings: () => settingsTable(read("Pulumi.yaml"), prodYaml) },
    "docs/abuse-resistance.md": { "protection-cost": () => protectionCostText(prodYaml) },
  };
  const files = new Map<string, string>();
  for (const [path, byName] of Object.entries(regions)) {
    let text = read(path);
    for (const [name, render] of Object.entries(byName)) text = replaceRegion(text, name, render());
    files.set(path, text);
  }
  const manifest = "policy-pack/PulumiPolicy.yaml";
  files.set(manifest, packManifest(read(manifest), packSummary));
  return files;
}
