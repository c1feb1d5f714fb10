// The check loads each program as Pulumi's Node.js language host does: the program's own
// @pulumi/pulumi (and so its own ts-node, TypeScript and tsconfig), its own providers.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FIXTURES_DIR } from "../harness/policy";
import { PROJECT_DIR } from "../harness/pulumi";
import { runProgramInChild } from "../../tools/policy-check/program-process";
import type { RegisteredResource } from "../../tools/engine/program-run";
import { leftBehind, runCheck } from "../harness/policy-check-process";
import { ensureInstalled } from "../harness/fixture-install";

const OWN_DEPS = join(FIXTURES_DIR, "own-deps");

describe("a program with its own, older @pulumi/pulumi and @pulumi/aws", () => {
  beforeAll(() => ensureInstalled(OWN_DEPS), 300_000);

  it("runs on them, and the pack judges what they registered", async () => {
    const installed = (pkg: string) =>
      (
        JSON.parse(readFileSync(join(OWN_DEPS, "node_modules", pkg, "package.json"), "utf8")) as {
          version: string;
        }
      ).version.replace(/^v/, "");
    expect([installed("@pulumi/pulumi"), installed("@pulumi/aws")]).toEqual(["3.100.0", "6.18.0"]);

    const run = await runCheck("--program", OWN_DEPS, "--format", "json");
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as {
      resourceCount: number;
      violations: Array<{ policy: string; urn: string }>;
    };
    expect(report.resourceCount).toBe(3);
    expect(report.violations).toContainEqual(
      expect.objectContaining({
        policy: "apigateway-methods-require-authorizer",
        urn: "urn:pulumi:prod::own-deps::aws:apigateway/method:Method::get-items",
      }),
    );
    expect(await leftBehind(run.marker)).toEqual([]);
  }, 180_000);

  it("ends with one line when a resource input's promise rejects (that SDK would wait forever)", async () => {
    const run = await runCheck("--program", join(OWN_DEPS, "rejected-input"), "--timeout", "60");
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe(
      "Policy check could not run: the program failed under preview: the bucket name lookup failed",
    );
    expect(await leftBehind(run.marker)).toEqual([]);
  }, 180_000);
});

describe("a CallbackFunction whose closure uses modules imported with import * as", () => {
  let lambda: RegisteredResource;
  beforeAll(async () => {
    const run = await runProgramInChild({
      programDir: join(FIXTURES_DIR, "callback-captures-module"),
      stackName: "prod",
      preview: true,
      timeoutMs: 120_000,
    });
    lambda = run.resources.find((resource) => resource.type === "aws:lambda/function:Function")!;
  }, 180_000);

  const handlerCode = () => {
    const code = lambda.inputs.code as { assets: Record<string, { text: string }> };
    return code.assets["__index.js"].text;
  };

  it("serializes a package as a require of it, as under the language host", () => {
    expect(handlerCode()).toContain('const yaml = require("yaml");');
  });

  it("serializes the program's own module as the plain object CommonJS makes, not getters", () => {
    expect(handlerCode()).toContain('var __page = {render: __render, greeting: "hello"};');
    expect(handlerCode()).not.toContain("Object.defineProperty");
  });
});

describe("a program folder with no package.json and no main in its Pulumi.yaml", () => {
  it("runs the enclosing package's main, as the language host does, and warns", async () => {
    const outer = join(mkdtempSync(join(tmpdir(), "policy-check-enclosing-")), "outer");
    const program = join(outer, "program");
    cpSync(join(FIXTURES_DIR, "no-resources"), program, { recursive: true });
    writeFileSync(
      join(program, "Pulumi.yaml"),
      readFileSync(join(program, "Pulumi.yaml"), "utf8").replace(/^main: .*\n/m, ""),
    );
    writeFileSync(join(outer, "package.json"), JSON.stringify({ name: "outer", main: "main.ts" }));
    writeFileSync(join(outer, "main.ts"), 'throw new Error("the enclosing main ran");\n');
    mkdirSync(join(outer, "node_modules"));
    symlinkSync(join(PROJECT_DIR, "node_modules/@pulumi"), join(outer, "node_modules/@pulumi"));

    const run = await runCheck("--program", program);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(
      `warning: ${program} has no package.json and its Pulumi.yaml no main, so the language host runs ${join(outer, "main.ts")}`,
    );
    expect(run.stderr).toContain("the program failed under preview: the enclosing main ran");
    expect(await leftBehind(run.marker)).toEqual([]);
  }, 120_000);
});
