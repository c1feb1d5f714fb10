// `npm start`: the stack the Pulumi program declares, on this machine. Runs the program (index.ts)
// under Pulumi's mocks with the stack's config (the local token as its authToken secret), reads
// the REST API it registered (read-program.ts: resources, methods, integrations, authorizers,
// gateway responses, stages, method settings, usage plans, WAF rate rules), runs each Lambda
// function it points at from the function's own code folder, handler and environment, behind a
// local gateway that applies the declared rules, with a real local SES (aws-ses-v2-local) and its
// inbox, and serves the contact page. Nothing here knows the program's routes or limits.
//
// One exception to "as declared", by design: the program's allowedOrigin config (if it has one) is
// the local page's own origin (the prod file names the production site), unless ALLOWED_ORIGIN
// says otherwise. The local-only environment (SES endpoint, dummy credentials, region) is added
// on top of each function's declared environment, as SAM does.
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { PROJECT_ROOT } from "../infra/bundle";
import { validateAuthToken, ConfigError } from "../infra/settings";
import { loadStackConfig } from "../infra/stack-config";
import { createGateway, type Gateway } from "./local-gateway/gateway";
import { createFrontServer } from "./local-gateway/http-server";
import { startLambda, type LambdaContainer } from "./local-gateway/lambda-container";
import type { GatewayModel } from "./local-gateway/model";
import { handlerEntry, NotEmulatedError, readGatewayModel } from "./local-gateway/read-program";
import { startLocalSes, type LocalSes } from "./local-ses";
import { loadFresh, runProgramUnderMocks } from "./pulumi-mock-runner";

const DEFAULT_STACK = "prod";
// The account the mocks report (getCallerIdentity); the gateway uses it in ARNs.
const LOCAL_ACCOUNT_ID = "123456789012";

export interface LocalStackOptions {
  /** The Pulumi program to serve (a folder with a Pulumi.yaml); this project by default. */
  programDir?: string;
  stackName?: string;
  /** API and page port; 0 picks a free one. */
  port?: number;
  /** aws-ses-v2-local's port; 0 picks a free one. */
  sesPort?: number;
  /** The token callers send; a random one when absent. */
  authToken?: string;
  /** CORS origin; defaults to the page's own origin. */
  allowedOrigin?: string;
  /** Config values (keys without the project prefix) over the stack file's, as `pulumi config set`. */
  config?: Record<string, string>;
  /** Where the gateway's and the handlers' log lines go. */
  log?: (line: string) => void;
  /** Loads the program's entry module afresh (a test runner passes its own). */
  load?: (entry: string) => unknown;
}

export interface LocalStack {
  /** The first stage's invoke URL, like a deployed stage's. */
  url: string;
  /** Every stage's invoke URL, by stage name. */
  stageUrls: Record<string, string>;
  /** The contact page. */
  pageUrl: string;
  /** aws-ses-v2-local's inbox page (and its JSON store at /store). */
  inboxUrl: string;
  token: string;
  projectName: string;
  /** The stack's non-secret config as the program read it (fully qualified keys). */
  config: Record<string, string>;
  /** What the program declared, as the gateway serves it. */
  model: GatewayModel;
  ses: LocalSes;
  stop(): Promise<void>;
}

export class LocalStackError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LocalStackError";
  }
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const log = options.log ?? ((line: string) => console.log(line));
  const port = options.port ?? 3000;
  const sesPort = options.sesPort ?? 8005;
  const programDir = options.programDir ?? PROJECT_ROOT;
  const stackName = options.stackName ?? DEFAULT_STACK;
  const stackConfig = loadStackConfig(programDir, stackName);
  const { projectName } = stackConfig;
  const qualify = (key: string) => (key.includes(":") ? key : `${projectName}:${key}`);
  const declares = (key: string) =>
    [
      ...Object.keys(stackConfig.values),
      ...stackConfig.secretKeys,
      ...stackConfig.missingKeys,
    ].includes(qualify(key));
  const token = localToken(options.authToken);

  const cleanups: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  };
  try {
    // Busy ports are reported before the program runs, and aws-ses-v2-local does not report them.
    if (port !== 0) await assertPortFree(port, "PORT");
    if (sesPort !== 0) await assertPortFree(sesPort, "SES_PORT");
    const ses = await startLocalSes({ port: sesPort });
    cleanups.push(() => ses.stop());

    // Listen first: the page origin (and so the allowed origin) depends on the port.
    const live: { gateway?: Gateway; apiUrl: string } = { apiUrl: "" };
    const front = createFrontServer({
      gateway: () => live.gateway,
      apiUrl: () => live.apiUrl,
      log,
    });
    const boundPort = await listen(front, port, "PORT");
    cleanups.push(() => close(front));
    const origin = `http://127.0.0.1:${boundPort}`;

    const overrides: Record<string, string> = {};
    if (declares("allowedOrigin"))
      overrides[qualify("allowedOrigin")] = options.allowedOrigin ?? origin;
    for (const [key, value] of Object.entries(options.config ?? {}))
      overrides[qualify(key)] = value;
    const secretKeys = declares("authToken") ? [qualify("authToken")] : [];
    if (declares("authToken")) overrides[qualify("authToken")] = token;
    const config = { ...stackConfig.values, ...overrides };

    // A program that throws while loading (a config error) is caught here and reported after the
    // run: thrown inside Pulumi's root Stack, it would also reject promises nobody awaits.
    const loadFailure: { error?: unknown } = {};
    const load = (entry: string) => {
      try {
        return options.load ? options.load(entry) : loadFresh(programDir, entry);
      } catch (error) {
        loadFailure.error = error;
        return {};
      }
    };
    const run = await runProgramUnderMocks({
      programDir,
      stackName,
      preview: false,
      config: overrides,
      secretKeys,
      load,
    })
      .then((result) => {
        if (loadFailure.error !== undefined) throw loadFailure.error;
        return result;
      })
      .catch((error: unknown) => {
        throw new LocalStackError(`The program failed under mocks: ${messageOf(error)}`);
      });
    const region = config["aws:region"] ?? "us-east-1";
    let model: GatewayModel;
    try {
      model = readGatewayModel(run.resources, { region, accountId: LOCAL_ACCOUNT_ID });
    } catch (error) {
      if (error instanceof NotEmulatedError) throw new LocalStackError(error.message);
      throw new LocalStackError(`Cannot serve the program: ${messageOf(error)}`);
    }
    if (model.stages.length === 0) {
      throw new LocalStackError("The program declares no stage (aws.apigateway.Stage) to serve.");
    }

    const localEnv = {
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_ACCESS_KEY_ID: "local",
      AWS_SECRET_ACCESS_KEY: "local",
      AWS_ENDPOINT_URL_SES: ses.url,
    };
    const containers = new Map<string, LambdaContainer>();
    await Promise.all(
      model.functions.map(async (fn) => {
        const entry = handlerEntry(fn);
        const container = await startLambda({
          name: fn.name,
          file: entry.file,
          exportName: entry.exportName,
          env: { ...fn.environment, ...localEnv, AWS_LAMBDA_FUNCTION_NAME: fn.name },
          timeoutSeconds: fn.timeoutSeconds,
          log: (line) => log(`[${fn.name}] ${line}`),
        });
        cleanups.push(() => container.stop());
        containers.set(fn.name, container);
      }),
    );

    live.gateway = createGateway({
      model,
      invoke: (name, event, context) => containers.get(name)!.invoke(event, context),
    });
    const stageUrls = Object.fromEntries(
      model.stages.map((stage) => [stage.name, `${origin}/${stage.name}`]),
    );
    const url = stageUrls[model.stages[0].name];
    live.apiUrl = url;

    let stopping: Promise<void> | undefined;
    const publicConfig = Object.fromEntries(
      Object.entries(config).filter(([key]) => !stackConfig.secretKeys.includes(key)),
    );
    return {
      url,
      stageUrls,
      pageUrl: `${origin}/`,
      inboxUrl: `${ses.url}/`,
      token,
      projectName,
      config: publicConfig,
      model,
      ses,
      stop: () => (stopping ??= stopAll()),
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0];
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
  console.log("Running the Pulumi program under mocks (it builds its Lambda bundles)...");
  const stack = await startLocalStack({
    port: portFromEnv("PORT", 3000),
    sesPort: portFromEnv("SES_PORT", 8005),
    authToken: process.env.AUTH_TOKEN || undefined,
    allowedOrigin: process.env.ALLOWED_ORIGIN || undefined,
  });
  console.log(
    [
      "",
      `${stack.projectName} is running locally, as its Pulumi program declares it (stack ${DEFAULT_STACK}):`,
      "",
      ...describeRoutes(stack),
      `  Contact page  ${stack.pageUrl}`,
      `  Inbox (SES)   ${stack.inboxUrl}`,
      `  Token         ${stack.token}${process.env.AUTH_TOKEN ? " (from AUTH_TOKEN)" : " (random; set AUTH_TOKEN to choose it)"}`,
      "",
      ...describeLimits(stack.model),
      "",
      ...describeCurls(stack),
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

function describeRoutes(stack: LocalStack): string[] {
  const lines: string[] = [];
  for (const [stage, url] of Object.entries(stack.stageUrls)) {
    for (const method of stack.model.methods) {
      const path = method.resourcePath === "/" ? "" : method.resourcePath;
      const guard =
        method.authorization === "CUSTOM"
          ? `authorizer ${stack.model.authorizers.find((a) => a.id === method.authorizerId)?.name}`
          : "open";
      const label = `API (${method.httpMethod})`.padEnd(13);
      lines.push(
        `  ${label} ${url}${path}   ${guard}${method.apiKeyRequired ? ", API key" : ""}, ${method.integration.type}` +
          (stage === stack.model.stages[0].name ? "" : ` (stage ${stage})`),
      );
    }
  }
  return lines;
}

function describeLimits(model: GatewayModel): string[] {
  const limits = (l: { rateLimit: number; burstLimit: number }) =>
    l.rateLimit < 0 ? "off" : `${l.rateLimit} req/s, burst ${l.burstLimit}`;
  const lines: string[] = [];
  for (const stage of model.stages) {
    for (const t of stage.methodThrottles) {
      lines.push(`  Stage ${stage.name} ${t.resourcePath}/${t.httpMethod}: ${limits(t.limits)}`);
    }
    for (const plan of stage.usagePlans) {
      const quota = plan.quota ? `, ${plan.quota.limit} per day` : "";
      lines.push(
        `  Usage plan ${plan.name}: ${plan.throttle ? limits(plan.throttle) : "no throttle"}${quota}`,
      );
    }
    for (const rule of stage.wafRateRules) {
      lines.push(`  WAF rule ${rule.name}: ${rule.limit} per ${rule.windowSeconds} s per address`);
    }
  }
  for (const authorizer of model.authorizers) {
    lines.push(
      `  Authorizer ${authorizer.name}: header ${authorizer.header}, cache ${authorizer.ttlSeconds} s`,
    );
  }
  return lines;
}

function describeCurls(stack: LocalStack): string[] {
  const url = stack.url;
  return stack.model.methods
    .filter((method) => method.httpMethod !== "OPTIONS")
    .map((method) => {
      const path = method.resourcePath === "/" ? "" : method.resourcePath;
      const header =
        method.authorization === "CUSTOM"
          ? ` -H "${stack.model.authorizers.find((a) => a.id === method.authorizerId)?.header}: ${stack.token}"`
          : "";
      return `  curl -i -X ${method.httpMethod}${header} ${url}${path}`;
    });
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
