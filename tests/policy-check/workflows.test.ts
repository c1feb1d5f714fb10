// The GitHub workflows users copy: valid against the workflow schema, and wired to the pack.
import { validateWorkflow } from "@action-validator/core";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { PROJECT_DIR } from "../harness/pulumi";

const read = (name: string) => readFileSync(join(PROJECT_DIR, ".github/workflows", name), "utf8");

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, { steps: Step[] }>;
}
const steps = (workflow: Workflow) => Object.values(workflow.jobs).flatMap((job) => job.steps);
const pulumiStep = (workflow: Workflow) =>
  steps(workflow).find((s) => s.uses?.startsWith("pulumi/actions@"));

it.each(["pull-request.yml", "deploy.yml"])("%s is a valid GitHub workflow", (name) => {
  expect(validateWorkflow(read(name)).errors).toEqual([]);
});

it("the validator does refuse a broken workflow", () => {
  const broken = read("deploy.yml").replace("runs-on: ubuntu-latest", "runs_on: ubuntu-latest");
  expect(validateWorkflow(broken).errors.length).toBeGreaterThan(0);
});

it("pull requests run the tests, the offline check and a previewed plan with the pack, commented", () => {
  const workflow = parse(read("pull-request.yml")) as Workflow;
  expect(Object.keys(workflow.on)).toEqual(["pull_request"]);
  const runs = steps(workflow).map((step) => step.run ?? "");
  expect(runs).toEqual(
    expect.arrayContaining(["npm test", "npm run policy -- --format sarif --output policy.sarif"]),
  );
  expect(pulumiStep(workflow)?.with).toMatchObject({
    command: "preview",
    "stack-name": "prod",
    policyPacks: "policy-pack",
    "comment-on-pr": true,
  });
});

it("main deploys with `pulumi up` and the pack enforced", () => {
  const workflow = parse(read("deploy.yml")) as Workflow;
  expect(workflow.on).toMatchObject({ push: { branches: ["main"] } });
  expect(pulumiStep(workflow)?.with).toMatchObject({ command: "up", policyPacks: "policy-pack" });
  const order = steps(workflow).map((step) => step.run ?? step.uses ?? "");
  expect(order.indexOf("npm run policy")).toBeLessThan(
    order.findIndex((s) => s.startsWith("pulumi/actions@")),
  );
});

it.each(["pull-request.yml", "deploy.yml"])(
  "%s installs nothing outside npm (the browser tests bring their own Chromium)",
  (name) => {
    const runs = steps(parse(read(name)) as Workflow).map((step) => step.run ?? "");
    expect(runs.filter((run) => /apt(-get)?\s+install/.test(run))).toEqual([]);
    expect(runs[runs.indexOf("npm ci") + 1]).toBe("npm test");
  },
);
