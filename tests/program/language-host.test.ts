// `pulumi up` compiles index.ts with ts-node and the project's TypeScript and tsconfig, plus
// compiler options of its own. This loads the program exactly that way, type check included.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { PROJECT_DIR, TEST_AUTH_TOKEN, prodConfig } from "../harness/pulumi";

it("compiles and loads index.ts the way Pulumi's Node.js language host does", async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [join(__dirname, "../harness/language-host.js"), PROJECT_DIR],
    {
      env: {
        ...process.env,
        PROGRAM_CONFIG: JSON.stringify({
          ...prodConfig.values,
          "mailer-api:authToken": TEST_AUTH_TOKEN,
        }),
      },
    },
  );
  expect(JSON.parse(stdout)).toEqual([
    "url",
    "apiId",
    "stageName",
    "mailFrom",
    "curl",
    // What the owner's site needs (docs/own-site.md, issue-18-bot-challenge.md).
    "siteSetup",
    "siteToken",
    "botChallengeScriptUrl",
    "captchaApiKey",
    // Where the operator looks (issue 11).
    "accessLogGroup",
    "mailerLogGroup",
    "authorizerLogGroup",
    "deliveryLogGroup",
    "deliveryQueueUrl",
    "deadLetterQueueUrl",
    "webAclArn",
    "alarmTopicArn",
    "alarmNames",
  ]);
}, 120_000);
