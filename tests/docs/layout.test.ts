// The "Layout" section of docs/architecture.md is the one description of the repository's layout
// (DEVELOPERS.md points there): it names every source file outside tests/ (a policy excepted: its
// file is named by its id, and docs/policy-pack.md lists every id), every test harness and every
// top-level folder, and every file name it mentions exists.
import { readFileSync, readdirSync } from "node:fs";
import { basename, extname, join, relative } from "node:path";
import { PROJECT_ROOT } from "../../infra/bundle";
import { policies } from "../../policy-pack/policies";

const IGNORED = new Set(["node_modules", "dist", "build", "coverage", "reports", ".git"]);

function filesUnder(dir: string): string[] {
  return readdirSync(join(PROJECT_ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    if (IGNORED.has(entry.name)) return [];
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

const page = readFileSync(join(PROJECT_ROOT, "docs", "architecture.md"), "utf8");
const layout = /^## Layout\n([\s\S]*?)(?=^## )/m.exec(page)?.[1] ?? "";
const mentions = (name: string) =>
  new RegExp(`(^|[^\\w.-])${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|[^\\w-])`).test(layout);

const policyIds = new Set(policies.map((policy) => policy.name));
const described = [
  ...["index.ts"],
  ...["contracts", "infra", "handlers", "tools", "web", "tests/harness"].flatMap(filesUnder),
  ...filesUnder("policy-pack").filter((path) => !policyIds.has(basename(path, extname(path)))),
  ...filesUnder(".github/workflows"),
];

it("has a Layout section", () => {
  expect(layout.length).toBeGreaterThan(1000);
});

it("names every source file outside tests/, and every harness", () => {
  expect(described.length).toBeGreaterThan(50);
  const unnamed = described.filter(
    (path) => !mentions(basename(path, extname(path))) && !mentions(basename(path)),
  );
  expect(unnamed).toEqual([]);
});

it("names every top-level folder", () => {
  const folders = readdirSync(PROJECT_ROOT, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !IGNORED.has(entry.name) && entry.name !== ".ci")
    .map((entry) => entry.name);
  expect(folders.filter((folder) => !layout.includes(`${folder}/`))).toEqual([]);
});

it("mentions only files that exist", () => {
  const everyFile = new Set(
    filesUnder(".").flatMap((path) => [basename(path), relative(".", path)]),
  );
  const named = [...layout.matchAll(/[\w./-]+\.(?:ts|js|mjs|json|ya?ml|html|md)\b/g)].map((match) =>
    match[0].replace(/^\.\//, ""),
  );
  expect(named.length).toBeGreaterThan(10);
  expect(named.filter((name) => !everyFile.has(name) && !everyFile.has(basename(name)))).toEqual(
    [],
  );
});
