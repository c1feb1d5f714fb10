// npm run docs: rewrites the generated regions of docs/ and policy-pack/PulumiPolicy.yaml's
// description from the code (tools/docs/). `npm run docs -- --check` only reports what differs
// (exit 1), as tests/docs/generated.test.ts does.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../infra/bundle";
import { expectedDocs } from "./docs/generate";

const check = process.argv.includes("--check");
const read = (path: string) => readFileSync(join(PROJECT_ROOT, path), "utf8");
const stale: string[] = [];
for (const [path, text] of expectedDocs(read)) {
  if (read(path) === text) continue;
  stale.push(path);
  if (!check) writeFileSync(join(PROJECT_ROOT, path), text);
}
if (check && stale.length > 0) {
  console.error(`Out of date (run npm run docs): ${stale.join(", ")}`);
  process.exitCode = 1;
} else {
  console.log(stale.length > 0 ? `Rewrote ${stale.join(", ")}` : "The docs are up to date.");
}
