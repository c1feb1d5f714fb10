// One shell script run through spawnContained, reported as JSON on stdout. The sandbox tests start
// it as another user, to try containment without root (through a user namespace).
import { spawnContained } from "../../tools/policy-check/containment";

const [script = "true", copyOnWrite] = process.argv.slice(2);
const run = spawnContained("sh", ["-c", script], {
  cwd: process.cwd(),
  env: {},
  passEnv: [],
  allowNetwork: false,
  writableDirs: [],
  copyOnWriteDirs: copyOnWrite ? [copyOnWrite] : [],
});
let out = "";
run.child.stdout?.on("data", (chunk: Buffer) => (out += chunk.toString()));
run.child.stderr?.on("data", (chunk: Buffer) => (out += chunk.toString()));
run.child.once("close", (code) => {
  run.endAll();
  console.log(JSON.stringify({ contained: run.contained, why: run.whyUncontained, code, out }));
});
