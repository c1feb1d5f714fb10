// What the mailer and delivery bundles carry, read from esbuild's metafile, and where the bundled
// mailer takes its AWS credentials from. Lambda hands a function its credentials in environment
// variables; the SDK's default chain (shared files, SSO, processes, web identity, STS, container
// and instance metadata) is left out of the bundles (infra/bundle.ts), so each stays at most
// 350,000 bytes, and a function never signs with credentials it found anywhere else.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SESClient } from "@aws-sdk/client-ses";
import type { Metafile } from "esbuild";
import type { HandlerName } from "../../contracts/functions";
import { defaultProvider } from "../../handlers/no-default-credential-chain";
import { classifySendFailure } from "../../handlers/ses-errors";
import { sendEmailCommand } from "../../handlers/ses-send";
import { startLocalSes, type LocalSes } from "../../tools/local-ses";
import {
  LOCAL_AWS_ENV,
  TEST_MAILER_ENV,
  builtHandlers,
  loadBundledHandler,
  type BundledMailer,
} from "../harness/bundles";
import { recordConsoleLog } from "../harness/console-log";
import { authorizedPost as post } from "../harness/proxy-event";

/** Issue 18's ceiling for the mailer, in bytes, so that it holds in kB and in KiB alike. */
const CEILING_BYTES = 350_000;

/** The default credential chain's packages: none of them is of use inside Lambda. */
const DEFAULT_CHAIN_PACKAGES = [
  "@aws-sdk/credential-provider-node",
  "@aws-sdk/credential-provider-ini",
  "@aws-sdk/credential-provider-sso",
  "@aws-sdk/credential-provider-process",
  "@aws-sdk/credential-provider-web-identity",
  "@aws-sdk/credential-provider-http",
  "@aws-sdk/credential-provider-login",
  "@aws-sdk/token-providers",
  "@aws-sdk/nested-clients",
  "@smithy/credential-provider-imds",
];

const SDK_HANDLERS: HandlerName[] = ["mailer", "delivery"];

/** The npm packages whose code ended up in a bundle. */
function packagesIn(metafilePath: string): Set<string> {
  const metafile = JSON.parse(readFileSync(metafilePath, "utf8")) as Metafile;
  const output = Object.values(metafile.outputs).find((entry) => entry.entryPoint);
  const packages = new Set<string>();
  for (const input of Object.keys(output?.inputs ?? {})) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    if (match) packages.add(match[1]);
  }
  return packages;
}

describe("the SDK inside the handler bundles", () => {
  it.each(SDK_HANDLERS)("the %s bundle has no default credential chain", async (name) => {
    const bundle = (await builtHandlers())[name];
    const packages = packagesIn(bundle.metafile);
    // The metafile is read right: the clients this function uses are in it.
    expect(packages).toContain("@aws-sdk/client-ses");
    expect(packages).toContain("@aws-sdk/client-sqs");
    expect(packages).toContain("@aws-sdk/credential-provider-env");
    expect(DEFAULT_CHAIN_PACKAGES.filter((chain) => packages.has(chain))).toEqual([]);
  });

  it.each(SDK_HANDLERS)("the %s bundle is at most 350,000 bytes", async (name) => {
    const bundle = (await builtHandlers())[name];
    expect(statSync(bundle.file).size).toBe(bundle.bytes);
    expect(bundle.bytes).toBeLessThanOrEqual(CEILING_BYTES);
  });
});

describe("the bundled mailer's credentials", () => {
  let ses: LocalSes;
  const logLines = recordConsoleLog();
  const saved = { ...process.env };

  beforeAll(async () => {
    ses = await startLocalSes();
  });
  afterAll(async () => {
    await ses.stop();
  });
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  /** A new mailer container with these variables set, and the AWS credential ones removed. */
  async function mailerWithout(env: Record<string, string>): Promise<BundledMailer> {
    for (const key of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"]) {
      delete process.env[key];
    }
    const { mailer } = await builtHandlers();
    return loadBundledHandler<BundledMailer>(mailer, {
      AWS_REGION: LOCAL_AWS_ENV.AWS_REGION,
      ...TEST_MAILER_ENV,
      AWS_ENDPOINT_URL_SES: ses.url,
      ...env,
    });
  }

  it("signs with the credentials in the environment, as Lambda provides them", async () => {
    await ses.clear();
    const mailer = await mailerWithout({
      AWS_ACCESS_KEY_ID: LOCAL_AWS_ENV.AWS_ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: LOCAL_AWS_ENV.AWS_SECRET_ACCESS_KEY,
      AWS_SESSION_TOKEN: "session-token",
    });
    const answer = await mailer.handler(post(null));
    expect(answer.statusCode).toBe(200);
    expect(await ses.inbox()).toHaveLength(1);
  });

  it("never takes credentials from a shared credentials file: nothing sent, 502", async () => {
    await ses.clear();
    const folder = mkdtempSync(join(tmpdir(), "mailer-api-aws-files-"));
    const credentialsFile = join(folder, "credentials");
    writeFileSync(
      credentialsFile,
      "[default]\naws_access_key_id = from-file\naws_secret_access_key = from-file\n",
    );
    const mailer = await mailerWithout({
      AWS_SHARED_CREDENTIALS_FILE: credentialsFile,
      AWS_CONFIG_FILE: join(folder, "config"),
    });
    const answer = await mailer.handler(post(null));
    expect(answer.statusCode).toBe(502);
    expect(JSON.parse(answer.body)).toEqual({ error: "The email could not be sent" });
    expect(await ses.inbox()).toEqual([]);
    // Nothing left the function, so the log says "not sent", never "may have been sent".
    expect(logLines.at(-1)).toMatch(/"outcome":"failed".*"reason":"ses-not-sent"/);
  });

  it("a client made without credentials gets the stand-in chain: it sends nothing, says why", async () => {
    await ses.clear();
    // What a client in the bundles falls back to when made without `credentials`.
    const client = new SESClient({
      region: LOCAL_AWS_ENV.AWS_REGION,
      endpoint: ses.url,
      maxAttempts: 1,
      credentialDefaultProvider: defaultProvider,
    });
    const error: unknown = await client
      .send(
        sendEmailCommand({
          from: TEST_MAILER_ENV.MAIL_FROM,
          to: [TEST_MAILER_ENV.MAIL_TO],
          replyTo: [],
          subject: "s",
          text: "t",
        }),
      )
      .catch((thrown: unknown) => thrown);
    expect((error as Error).message).toMatch(/left out of this bundle.*credentials: fromEnv\(\)/);
    expect(classifySendFailure(error)).toEqual({ kind: "permanent", reason: "ses-not-sent" });
    expect(await ses.inbox()).toEqual([]);
  });
});
