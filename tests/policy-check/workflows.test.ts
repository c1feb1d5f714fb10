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
  "working-directory"?: string;
}
interface Job {
  steps: Step[];
  permissions?: Record<string, string>;
  environment?: string;
  needs?: string[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}
const WORKFLOWS = ["pull-request.yml", "deploy.yml"];
const workflow = (name: string) => parse(read(name)) as Workflow;
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
  expect(runs).toContain("npm test");
  expect(
    runs.some((run) => /npm run policy -- .*--format sarif --output \S*policy\.sarif$/.test(run)),
  ).toBe(true);
  expect(pulumiStep(workflow)?.with).toMatchObject({
    command: "preview",
    "stack-name": "prod",
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

describe("the trust model", () => {
  /** The checkout folders of a job: those of the base branch and those of the pull request. */
  function checkouts(job: Job): { base: string[]; head: string[] } {
    const found = { base: [] as string[], head: [] as string[] };
    for (const step of job.steps.filter((s) => s.uses?.startsWith("actions/checkout@"))) {
      const path = String(step.with?.path ?? ".");
      if (step.with?.ref === "${{ github.base_ref }}") found.base.push(path);
      else found.head.push(path);
    }
    return found;
  }
  const jobsOf = (name: string) => Object.entries(workflow(name).jobs);
  const runsPulumi = (job: Job, command: string) =>
    job.steps.some((s) => s.uses?.startsWith("pulumi/actions@") && s.with?.command === command);

  it.each(WORKFLOWS)(
    "%s grants nothing workflow-wide and every job its own permissions",
    (name) => {
      expect(workflow(name).permissions ?? {}).toEqual({});
      for (const [, job] of jobsOf(name)) expect(job.permissions).toBeDefined();
    },
  );

  it("only the jobs that run `pulumi preview` or `pulumi up` may ask for a cloud token", () => {
    const withToken = WORKFLOWS.flatMap((name) =>
      jobsOf(name)
        .filter(([, job]) => job.permissions?.["id-token"] === "write")
        .map(([id, job]) => ({
          name,
          id,
          preview: runsPulumi(job, "preview"),
          up: runsPulumi(job, "up"),
        })),
    );
    expect(withToken).toEqual([
      { name: "pull-request.yml", id: "preview", preview: true, up: false },
      { name: "deploy.yml", id: "deploy", preview: false, up: true },
    ]);
  });

  it("deploy.yml installs and tests in a job without the prod environment; `pulumi up` needs it", () => {
    const jobs = jobsOf("deploy.yml");
    const installs = (job: Job) =>
      job.steps.some((s) => /\bnpm (ci|install|i|test)\b/.test(s.run ?? ""));
    const withProd = jobs.filter(([, job]) => job.environment === "prod");
    expect(withProd.map(([id]) => id)).toEqual(["deploy"]);
    const [, deploy] = withProd[0];
    expect(runsPulumi(deploy, "up")).toBe(true);
    expect(installs(deploy)).toBe(false);
    const installers = jobs.filter(([, job]) => installs(job));
    expect(installers.map(([id]) => id)).toEqual(["test"]);
    expect(installers[0][1].environment).toBeUndefined();
    expect(deploy.needs).toContain("test");
  });

  it.each(WORKFLOWS)("%s pins every third-party action by full commit SHA", (name) => {
    const unpinned = steps(workflow(name))
      .map((step) => step.uses)
      .filter((uses): uses is string => uses !== undefined && !uses.startsWith("./"))
      .filter((uses) => !/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(uses));
    expect(unpinned).toEqual([]);
  });

  it("a pull request's checkouts keep no token for the PR's code to find", () => {
    for (const [, job] of jobsOf("pull-request.yml")) {
      for (const step of job.steps.filter((s) => s.uses?.startsWith("actions/checkout@"))) {
        expect(step.with?.["persist-credentials"]).toBe(false);
      }
    }
  });

  it("a pull request's program is checked by the base branch's tools/ and policy-pack/", () => {
    const jobs = Object.fromEntries(jobsOf("pull-request.yml"));
    const check = jobs["policy-check"];
    const { base, head } = checkouts(check);
    expect(base).toHaveLength(1);
    expect(head).toHaveLength(1);
    const step = check.steps.find((s) => s.run?.includes("npm run policy"));
    // The check (its tools/ and its default pack) is the base branch's; the program is the PR's.
    expect(step?.["working-directory"]).toBe(base[0]);
    expect(step?.run).toMatch(new RegExp(`--program \\.\\./${head[0]}(\\s|$)`));
    expect(step?.run).not.toMatch(/--policy-pack\b/);

    const preview = jobs.preview;
    const folders = checkouts(preview);
    expect(folders.base).toHaveLength(1);
    expect(pulumiStep({ on: {}, jobs: { preview } })?.with).toMatchObject({
      "work-dir": folders.head[0],
      policyPacks: `\${{ github.workspace }}/${folders.base[0]}/policy-pack`,
    });
  });
});
