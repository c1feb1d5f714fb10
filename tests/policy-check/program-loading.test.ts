// The check loads each program as Pulumi's Node.js language host does: the program's own
// @pulumi/pulumi (and so its own ts-node, TypeScript and tsconfig), its own providers.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { FIXTURES_DIR } from "../harness/policy";
import { runProgramInChild } from "../../tools/policy-check/program-process";
import type { RegisteredResource } from "../../tools/pulumi-mock-runner";
import { leftBehind, runCheck } from "./check-process";
import { ensureInstalled } from "./fixture-install";

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
