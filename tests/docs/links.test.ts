// Every relative link and heading anchor of README.md, DEVELOPERS.md and docs/ resolves, by
// GitHub's rules: a page split or a renamed heading cannot leave a dead link behind.
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { PROJECT_ROOT } from "../../infra/bundle";
import { anchorsOf, brokenLinks, linksOf, slug } from "../../tools/docs/links";

function markdownUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return markdownUnder(path);
    return entry.name.endsWith(".md") ? [relative(PROJECT_ROOT, path)] : [];
  });
}

const pages = ["README.md", "DEVELOPERS.md", ...markdownUnder(join(PROJECT_ROOT, "docs"))];

it.each(pages)("%s: every relative link and anchor resolves", (page) => {
  expect(brokenLinks(PROJECT_ROOT, page)).toEqual([]);
});

it("finds the pages' links, the README's map of docs/ included", () => {
  const targets = linksOf(readFileSync(join(PROJECT_ROOT, "README.md"), "utf8"));
  const docs = markdownUnder(join(PROJECT_ROOT, "docs")).filter(
    (page) => !page.includes("/incoming/"),
  );
  for (const page of docs) expect(targets.map((link) => link.target)).toContain(page);
});

it("makes anchors as GitHub does", () => {
  // Anchors GitHub gave this README's headings before the split.
  expect(slug("Offline policy check: npm run policy")).toBe("offline-policy-check-npm-run-policy");
  expect(slug("Node.js versions")).toBe("nodejs-versions");
  expect(slug("Per-client limit: perIpRateLimit (AWS WAF)")).toBe(
    "per-client-limit-peripratelimit-aws-waf",
  );
  expect(slug("Spam from the page: the honeypot")).toBe("spam-from-the-page-the-honeypot");
  expect(slug("Capacity × cost — 2 €")).toBe("capacity--cost--2-");
  const anchors = anchorsOf(
    "# A `b` [c](d.md) **e**\n\n## Notes\n\n```sh\n# not a heading\n```\n\n## Notes\n## snake_case",
  );
  expect([...anchors]).toEqual(["a-b-c-e", "notes", "notes-1", "snake_case"]);
});

it("reports a missing page, a missing anchor and a link out of the repository", () => {
  const root = mkdtempSync(join(tmpdir(), "docs-links-"));
  mkdirSync(join(root, "docs"));
  writeFileSync(join(root, "docs", "a.md"), "# A page\n\n## Its part\n");
  writeFileSync(
    join(root, "README.md"),
    [
      "[ok](docs/a.md#its-part) [ok too](#readme) [web](https://example.com/x#y)",
      "[gone](docs/b.md) [no anchor](docs/a.md#its-parts) [out](../elsewhere.md)",
      "`[in code](docs/none.md)`",
      "```md\n[in a fence](docs/none.md)\n```",
      "# Readme",
    ].join("\n"),
  );
  expect(brokenLinks(root, "README.md")).toEqual([
    "README.md:2 docs/b.md: no such file",
    "README.md:2 docs/a.md#its-parts: no heading with the anchor #its-parts",
    "README.md:2 ../elsewhere.md: points outside the repository",
  ]);
});
