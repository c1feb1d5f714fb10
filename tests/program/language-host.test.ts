// `pulumi up` runs index.ts through Pulumi's Node.js language host: the SDK's own cmd/run, with
// ts-node, the project's TypeScript and the tsconfig Pulumi.yaml names (tsconfig.pulumi.json: no
// type check there, `npm run typecheck` does it with tsconfig.json). The check's engine
// (tools/engine/) starts the program exactly that way, as an update, and records its outputs.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { runProgramInChild } from "../../tools/policy-check/program-process";
import { PROJECT_DIR } from "../harness/pulumi";

it("compiles and runs index.ts the way Pulumi's Node.js language host does", async () => {
  const run = await runProgramInChild({
    programDir: PROJECT_DIR,
    stackName: "prod",
    preview: false,
    timeoutMs: 110_000,
  });
  // The stack's outputs as the engine receives them (a protobuf Struct: keys sorted).
  expect(Object.keys(run.outputs).sort()).toEqual(
    [
      "url",
      "apiId",
      "stageName",
      "mailFrom",
      "curl",
      // What the owner's site needs (docs/own-site.md, docs/abuse-resistance.md).
      "siteSetup",
      "siteToken",
      "botChallengeScriptUrl",
      "captchaApiKey",
      // Where the operator looks.
      "accessLogGroup",
      "mailerLogGroup",
      "authorizerLogGroup",
      "deliveryLogGroup",
      "deliveryQueueUrl",
      "deadLetterQueueUrl",
      "webAclArn",
      "alarmTopicArn",
      "alarmNames",
    ].sort(),
  );
}, 120_000);

it("skips the language host's type check only because npm test type-checks the same program", () => {
  const project = parse(readFileSync(join(PROJECT_DIR, "Pulumi.yaml"), "utf8")) as {
    runtime: { options: { tsconfig?: string } };
  };
  const hostConfig = JSON.parse(
    readFileSync(join(PROJECT_DIR, project.runtime.options.tsconfig ?? "tsconfig.json"), "utf8"),
  ) as { extends?: string; compilerOptions?: Record<string, unknown>; include?: unknown };
  // The host compiles with the checked settings plus noCheck, nothing else of its own.
  expect(hostConfig).toEqual({ extends: "./tsconfig.json", compilerOptions: { noCheck: true } });
  const checked = JSON.parse(readFileSync(join(PROJECT_DIR, "tsconfig.json"), "utf8")) as {
    compilerOptions: Record<string, unknown>;
    include: string[];
  };
  expect(checked.compilerOptions.noCheck).toBeUndefined();
  expect(checked.include).toEqual(expect.arrayContaining(["index.ts", "infra", "contracts"]));
  const scripts = (
    JSON.parse(readFileSync(join(PROJECT_DIR, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    }
  ).scripts;
  expect(scripts.typecheck).toBe("tsc --noEmit -p tsconfig.json");
  expect(scripts.test).toMatch(/^npm run typecheck && /);
});
