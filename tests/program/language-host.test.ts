// `pulumi up` runs index.ts through Pulumi's Node.js language host: the SDK's own cmd/run, with
// ts-node, the project's TypeScript and tsconfig, type check included. The check's engine
// (tools/engine/) starts the program exactly that way, as an update, and records its outputs.
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
