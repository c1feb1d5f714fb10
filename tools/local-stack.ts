// `npm start`: the whole API on this machine. Builds the Lambda bundles, starts a real local SES
// (aws-ses-v2-local) with its inbox, runs both handlers in Lambda-like containers behind a local
// gateway that applies the prod stage's rules, and serves the contact page.
//
// Settings come from the same place as the Pulumi program: Pulumi.yaml's defaults overridden by
// Pulumi.prod.yaml, validated by infra/settings.ts. One exception, by design: the allowed CORS
// origin is the local page's own origin (the prod file names the production site), unless
// ALLOWED_ORIGIN says otherwise.
import { FUNCTION_SIZES } from "../infra/function-sizes";
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { buildHandlers, PROJECT_ROOT, type HandlerBundle, type HandlerName } from "../infra/bundle";
import {
  parseSettings,
  validateAuthToken,
  ConfigError,
  type MailerSettings,
} from "../infra/settings";
import { loadStackConfig } from "../infra/stack-config";
import { sha256Hex } from "../handlers/token-check";
import { createGateway, type Gateway } from "./local-gateway/gateway";
import { createFrontServer } from "./local-gateway/http-server";
import { startLambda, type LambdaContainer } from "./local-gateway/lambda-container";
import { startLocalSes, type LocalSes } from "./local-ses";

export const STAGE = "prod";
const STACK = "prod";
// What a deployed API's ARNs look like; the local gateway uses them in the authorizer's methodArn.
const LOCAL_ACCOUNT_ID = "123456789012";
const LOCAL_API_ID = "local00api";

export type LimitSettings = Pick<
  MailerSettings,
  "rateLimit" | "burstLimit" | "dailyQuota" | "authorizerCacheTtl"
>;

export interface LocalStackOptions {
  /** API and page port; 0 picks a free one. */
  port?: number;
  /** aws-ses-v2-local's port; 0 picks a free one. */
  sesPort?: number;
  /** The token callers send; a random one when absent. */
  authToken?: string;
  /** CORS origin; defaults to the page's own origin. */
  allowedOrigin?: string;
  /** Tests only: other limits than the prod stack's, to exercise them quickly. */
  limits?: Partial<LimitSettings>;
  /** Prebuilt bundles (tests build once into a temp dir); built into dist/ otherwise. */
  bundles?: Record<HandlerName, HandlerBundle>;
  /** Where the gateway's and the handlers' log lines go. */
  log?: (line: string) => void;
}

export interface LocalStack {
  /** The API: POST here, like a deployed stage's invoke URL. */
  url: string;
  /** The contact page. */
  pageUrl: string;
  /** aws-ses-v2-local's inbox page (and its JSON store at /store). */
  inboxUrl: string;
  token: string;
  settings: MailerSettings;
  ses: LocalSes;
  stop(): Promise<void>;
}

export class LocalStackError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LocalStackError";
  }
}

/** The prod stack's settings, as `pulumi up` would read them. */
export function readStackSettings(projectDir = PROJECT_ROOT): {
  settings: MailerSettings;
  region: string;
} {
  const config = loadStackConfig(projectDir, STACK);
  const settings = parseSettings((key) => config.values[`${config.projectName}:${key}`]);
  return { settings, region: config.values["aws:region"] ?? "us-east-1" };
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const log = options.log ?? ((line: string) => console.log(line));
  const port = options.port ?? 3000;
  const sesPort = options.sesPort ?? 8005;
  const { settings: stackSettings, region } = readStackSettings();
  const token = localToken(options.authToken);
  const usageKey = { id: "local-usage-key", value: randomBytes(20).toString("hex") };

  const cleanups: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  };
  try {
    // Busy ports are reported before the build, and aws-ses-v2-local does not report them at all.
    if (port !== 0) await assertPortFree(port, "PORT");
    if (sesPort !== 0) await assertPortFree(sesPort, "SES_PORT");
    const bundles = options.bundles ?? (await buildHandlers());
    const ses = await startLocalSes({ port: sesPort });
    cleanups.push(() => ses.stop());

    // Listen first: the page origin (and so the allowed origin) depends on the port.
    const live: { gateway?: Gateway; apiUrl: string } = { apiUrl: "" };
    const front = createFrontServer({
      gateway: () => live.gateway,
      stage: STAGE,
      apiUrl: () => live.apiUrl,
      log,
    });
    const boundPort = await listen(front, port, "PORT");
    cleanups.push(() => close(front));
    const origin = `http://127.0.0.1:${boundPort}`;
    const apiUrl = `${origin}/${STAGE}`;
    live.apiUrl = apiUrl;

    const settings: MailerSettings = {
      ...stackSettings,
      ...options.limits,
      allowedOrigin: options.allowedOrigin ?? origin,
    };
    // Re-validated as a whole, so test limits obey the same rules as config values.
    parseSettings((key) => {
      const value = settings[key];
      return Array.isArray(value) ? value.join(",") : String(value);
    });

    const awsEnv = {
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_ACCESS_KEY_ID: "local",
      AWS_SECRET_ACCESS_KEY: "local",
    };
    const started = (container: LambdaContainer) => {
      cleanups.push(() => container.stop());
      return container;
    };
    const [authorizer, mailer] = await Promise.all([
      startLambda({
        name: "authorizer",
        file: bundles.authorizer.file,
        env: { ...awsEnv, AUTH_TOKEN_SHA256: sha256Hex(token), USAGE_API_KEY: usageKey.value },
        timeoutSeconds: FUNCTION_SIZES.authorizer.timeout,
        log: (line) => log(`[authorizer] ${line}`),
      }).then(started),
      startLambda({
        name: "mailer",
        file: bundles.mailer.file,
        env: {
          ...awsEnv,
          MAIL_FROM: settings.mailFrom,
          MAIL_TO: settings.mailTo.join(","),
          ALLOWED_ORIGIN: settings.allowedOrigin,
          AWS_ENDPOINT_URL_SES: ses.url,
        },
        timeoutSeconds: FUNCTION_SIZES.mailer.timeout,
        log: (line) => log(`[mailer] ${line}`),
      }).then(started),
    ]);

    live.gateway = createGateway({
      api: { region, accountId: LOCAL_ACCOUNT_ID, apiId: LOCAL_API_ID, stage: STAGE },
      settings,
      usagePlanKeys: [usageKey],
      invokeAuthorizer: (event) => authorizer.invoke(event),
      invokeMailer: (event, context) => mailer.invoke(event, context),
    });

    let stopping: Promise<void> | undefined;
    return {
      url: apiUrl,
      pageUrl: `${origin}/`,
      inboxUrl: `${ses.url}/`,
      token,
      settings,
      ses,
      stop: () => (stopping ??= stopAll()),
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

function localToken(fromEnv: string | undefined): string {
  if (fromEnv === undefined) return randomBytes(32).toString("hex");
  try {
    return validateAuthToken("authToken", fromEnv);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new LocalStackError(
      "AUTH_TOKEN must be 32 to 512 printable ASCII characters with no spaces, as the deployed " +
        'token must be. Try: AUTH_TOKEN="$(openssl rand -hex 32)" npm start',
    );
  }
}

function listen(server: Server, port: number, variable: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => reject(portError(error, port, variable));
    server.once("error", onError);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

async function assertPortFree(port: number, variable: string): Promise<void> {
  const probe = createServer();
  await listen(probe, port, variable);
  await close(probe);
}

function portError(error: NodeJS.ErrnoException, port: number, variable: string): Error {
  if (error.code === "EADDRINUSE") {
    return new LocalStackError(
      `Port ${port} on 127.0.0.1 is already in use (another \`npm start\`?). ` +
        `Stop what uses it, or choose another port: ${variable}=${port + 1} npm start`,
    );
  }
  if (error.code === "EACCES") {
    return new LocalStackError(
      `Port ${port} needs privileges; choose one above 1024 with ${variable}.`,
    );
  }
  return error;
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

function portFromEnv(variable: string, fallback: number): number {
  const raw = process.env[variable];
  if (raw === undefined || raw === "") return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new LocalStackError(`${variable}="${raw}" is not a port number (0 to 65535).`);
  }
  return port;
}

async function main(): Promise<void> {
  console.log("Building the Lambda handlers...");
  const stack = await startLocalStack({
    port: portFromEnv("PORT", 3000),
    sesPort: portFromEnv("SES_PORT", 8005),
    authToken: process.env.AUTH_TOKEN || undefined,
    allowedOrigin: process.env.ALLOWED_ORIGIN || undefined,
  });
  const { settings } = stack;
  console.log(
    [
      "",
      "mailer-api is running locally (settings from Pulumi.yaml + Pulumi.prod.yaml):",
      "",
      `  API (POST)    ${stack.url}`,
      `  Contact page  ${stack.pageUrl}`,
      `  Inbox (SES)   ${stack.inboxUrl}`,
      `  Token         ${stack.token}${process.env.AUTH_TOKEN ? " (from AUTH_TOKEN)" : " (random; set AUTH_TOKEN to choose it)"}`,
      "",
      `  Limits: ${settings.rateLimit} req/s, burst ${settings.burstLimit}, ${settings.dailyQuota} per day; ` +
        `authorizer cache ${settings.authorizerCacheTtl} s; CORS origin ${settings.allowedOrigin}`,
      `  Mail from ${settings.mailFrom} to ${settings.mailTo.join(", ")}`,
      "",
      "Send the notification email:",
      `  curl -i -X POST -H "authtoken: ${stack.token}" ${stack.url}`,
      "Send a message:",
      `  curl -i -X POST -H "authtoken: ${stack.token}" -H "Content-Type: application/json" \\`,
      `    -d '{"name":"Ada","email":"ada@example.org","message":"Hello!"}' ${stack.url}`,
      "",
      `Open the page with the token filled in: ${stack.pageUrl}#token=${stack.token}`,
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
