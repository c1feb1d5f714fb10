// The token stays a secret end to end: only digests reach the authorizer, as secrets, and the
// plaintext appears in no input or resource output, in a preview or an update; the one stack
// output that holds it (siteToken, what the owner publishes with the site) is a secret.
import { sha256Hex } from "../../contracts/token";
import {
  TEST_AUTH_TOKEN,
  oneOf,
  prodValue,
  runProdStack,
  type ProgramRun,
} from "../harness/pulumi";

const PREVIOUS_TOKEN = "previous-token-0a1b2c3d4e5f60718293a4b5c6d7e8f9";

/** Everything the state keeps in plain text: secret outputs are encrypted, so they are left out. */
function everything(run: ProgramRun): string {
  const plainOutputs = Object.entries(run.outputs).filter(
    ([key]) => !run.secretOutputs.includes(key),
  );
  return JSON.stringify([
    plainOutputs,
    ...run.resources.map((resource) => [resource.inputs, resource.outputs]),
  ]);
}

describe.each([false, true])("with preview = %p", (preview) => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runProdStack({
      preview,
      config: { "mailer-api:previousAuthToken": PREVIOUS_TOKEN },
      secretKeys: ["mailer-api:previousAuthToken"],
    });
  });

  it("leaks neither token into any resource or output", () => {
    const dump = everything(run);
    expect(dump.length).toBeGreaterThan(1000);
    expect(dump).not.toContain(TEST_AUTH_TOKEN);
    expect(dump).not.toContain(PREVIOUS_TOKEN);
  });

  it("holds the current token in siteToken only, as a secret, and siteSetup without it", () => {
    expect(run.secretOutputs).toEqual(["siteToken"]);
    expect(JSON.stringify(run.outputs)).not.toContain(PREVIOUS_TOKEN);
    // A preview's stack outputs are unknown until the stage exists.
    if (!preview) {
      expect(run.outputs.siteToken).toBe(TEST_AUTH_TOKEN);
      expect(run.outputs.siteSetup).toContain(
        `<meta name="mailer-api-url" content="${String(run.outputs.url)}" />`,
      );
      expect(run.outputs.siteSetup).toContain(`allowedOrigin is ${prodValue("allowedOrigin")}`);
      expect(run.outputs.siteSetup).toContain(
        "pulumi stack output siteToken --show-secrets > mailer-token.txt",
      );
    }
  });

  it("gives the authorizer both digests, during a rotation, as a secret", () => {
    const authorizer = oneOf(run, "aws:lambda/function:Function", "authorizer");
    const variables = (authorizer.inputs.environment as { variables: Record<string, string> })
      .variables;
    expect(variables.AUTH_TOKEN_SHA256).toBe(
      `${sha256Hex(TEST_AUTH_TOKEN)},${sha256Hex(PREVIOUS_TOKEN)}`,
    );
    expect(authorizer.secretPaths).toContain("environment");
  });
});

it("gives only the current digest outside a rotation", async () => {
  const run = await runProdStack();
  const authorizer = oneOf(run, "aws:lambda/function:Function", "authorizer");
  const variables = (authorizer.inputs.environment as { variables: Record<string, string> })
    .variables;
  expect(variables.AUTH_TOKEN_SHA256).toBe(sha256Hex(TEST_AUTH_TOKEN));
  expect(oneOf(run, "aws:lambda/function:Function", "mailer").secretPaths).toEqual([]);
});
