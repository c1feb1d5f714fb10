// `npm start`: the stack the Pulumi program declares, on this machine (tools/local-stack/). This
// file only reads the environment, prints where everything is and stops on Ctrl-C.
import { PUBLISHED_TOKEN_FILE } from "../contracts/site";
import { ConfigError } from "../infra/settings";
import {
  describeCurls,
  describeLimits,
  describeNotEmulated,
  describeRoutes,
} from "./local-stack/banner";
import { LOCAL_RETRY_SECONDS } from "./local-stack/delivery";
import { LocalStackError } from "./local-stack/local-stack-error";
import { readLocalStackEnvironment } from "./local-stack/settings";
import { DEFAULT_STACK, startLocalStack } from "./local-stack/start-local-stack";

async function main(): Promise<void> {
  console.log(
    "Running the Pulumi program as an update under the engine (it builds its Lambda bundles)...",
  );
  const environment = readLocalStackEnvironment(process.env);
  const stack = await startLocalStack(environment);
  const fault = environment.sesFault;
  const faultLines =
    fault === undefined || fault === "none"
      ? []
      : [
          `  SES fault     ${fault} (LOCAL_SES_FAULT), ` +
            (environment.sesFaultSeconds > 0
              ? `lifted after ${environment.sesFaultSeconds} s (LOCAL_SES_FAULT_SECONDS)`
              : "until Ctrl-C"),
        ];
  if (fault !== undefined && fault !== "none" && environment.sesFaultSeconds > 0) {
    setTimeout(() => {
      void stack.delivery.setSesFault("none").then(() => console.log("[local-ses] fault lifted"));
    }, environment.sesFaultSeconds * 1000).unref();
  }
  console.log(
    [
      "",
      `${stack.projectName} is running locally, as its Pulumi program declares it (stack ${DEFAULT_STACK}):`,
      "",
      ...describeRoutes(stack),
      `  Contact page  ${stack.pageUrl}   (your site, on its own origin; the token is published`,
      `                at ${stack.pageUrl}${PUBLISHED_TOKEN_FILE}, so visitors type none)`,
      `  Inbox (SES)   ${stack.inboxUrl}`,
      ...faultLines,
      ...stack.consumers.map(
        (line) => `  Queue         ${line} (retried every ${LOCAL_RETRY_SECONDS} s locally)`,
      ),
      `  Token         ${stack.token}${process.env.AUTH_TOKEN ? " (from AUTH_TOKEN)" : " (random; set AUTH_TOKEN to choose it)"}`,
      "",
      ...describeLimits(stack.model),
      ...describeNotEmulated(stack.model),
      "",
      ...describeCurls(stack),
      "",
      "What `pulumi stack output siteSetup` prints for this stack:",
      stack.siteSetup,
      `Open the contact page, write a message, press Send, then see it in the inbox: ${stack.pageUrl}`,
      "Press Ctrl-C to stop.",
      "",
    ].join("\n"),
  );
  const shutdown = (signal: string) => {
    console.log(`\n${signal}: stopping...`);
    const force = setTimeout(() => process.exit(1), 5000);
    force.unref();
    void stack.stop().then(() => {
      console.log("Stopped.");
      process.exit(0);
    });
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    const known = error instanceof LocalStackError || error instanceof ConfigError;
    console.error(
      known
        ? (error as Error).message
        : `Could not start: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exit(known ? 2 : 1);
  });
}
