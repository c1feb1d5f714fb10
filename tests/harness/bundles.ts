// The real handler bundles for tests: built once per test file, loaded as a new Lambda container
// loads them, with the environment a local SES needs.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { APIGatewayProxyResult } from "aws-lambda";
import type { HandlerName } from "../../contracts/functions";
import { buildHandlers, type HandlerBundle } from "../../infra/bundle";
import { startLocalSes, type LocalSes } from "../../tools/local-ses";
import { startRecordingSes, type RecordingSes } from "./recording-ses";

let bundles: Promise<Record<HandlerName, HandlerBundle>> | undefined;

/** Builds the real bundles once per test file, into a private temp dir. */
export function builtHandlers(): Promise<Record<HandlerName, HandlerBundle>> {
  bundles ??= buildHandlers({ outDir: mkdtempSync(join(tmpdir(), "mailer-api-bundles-")) });
  return bundles;
}

/** Dummy credentials and a region: the SDK needs them even to talk to the local SES. */
export const LOCAL_AWS_ENV = {
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "local",
  AWS_SECRET_ACCESS_KEY: "local",
};

/**
 * Loads a fresh copy of a bundled handler after setting its environment, as a new Lambda
 * container would (bundles read their settings when loaded; the SDK reads its endpoint lazily,
 * so the variables stay set).
 */
export function loadBundledHandler<T>(bundle: HandlerBundle, env: Record<string, string>): T {
  Object.assign(process.env, env);
  let handlerModule: T | undefined;
  jest.isolateModules(() => {
    handlerModule = require(bundle.file) as T;
  });
  return handlerModule as T;
}

/** The bundled mailer's entry point, as Lambda calls it. */
export type BundledMailer = { handler: (event: unknown) => Promise<APIGatewayProxyResult> };

/** The mailer's settings in the handler tests: one sender, one recipient, one site. */
export const TEST_MAILER_ENV = {
  MAIL_FROM: "website@example.com",
  MAIL_TO: "owner@example.com",
  ALLOWED_ORIGIN: "https://www.example.com",
};

/** A new container of the bundled mailer, sending to the SES endpoint at `sesUrl`. */
export async function loadBundledMailer(
  sesUrl: string,
  env: Record<string, string> = {},
): Promise<BundledMailer> {
  const { mailer } = await builtHandlers();
  return loadBundledHandler<BundledMailer>(mailer, {
    ...LOCAL_AWS_ENV,
    ...TEST_MAILER_ENV,
    ...env,
    AWS_ENDPOINT_URL_SES: sesUrl,
  });
}

/** The getters `useBundledMailer` returns: valid inside tests and hooks, once `beforeAll` ran. */
export interface UsedMailer<Ses> {
  mailer: () => BundledMailer;
  ses: () => Ses;
}

/**
 * Starts an SES (the local SES, or one that records every raw request) and a container of the
 * bundled mailer sending to it before this file's tests, and stops the SES after them.
 */
export function useBundledMailer(options: { ses: "local" }): UsedMailer<LocalSes>;
export function useBundledMailer(options: { ses: "recording" }): UsedMailer<RecordingSes>;
export function useBundledMailer(options: {
  ses: "local" | "recording";
}): UsedMailer<LocalSes | RecordingSes> {
  let ses: LocalSes | RecordingSes | undefined;
  let mailer: BundledMailer | undefined;
  beforeAll(async () => {
    ses = options.ses === "local" ? await startLocalSes() : await startRecordingSes();
    mailer = await loadBundledMailer(ses.url);
  });
  afterAll(async () => {
    await ses?.stop();
  });
  return {
    mailer: () => mailer ?? unready("mailer"),
    ses: () => ses ?? unready("ses"),
  };
}

function unready(what: string): never {
  throw new Error(`useBundledMailer: the ${what} is used before beforeAll started it`);
}
