// `npm start`: the stack the Pulumi program declares, on this machine. Runs the program (index.ts)
// as an update under the engine (tools/engine/, as the offline check and the tests run programs)
// with the stack's config (the local token as its authToken secret), reads
// the REST API it registered (read-program.ts: resources, methods, integrations, authorizers,
// gateway responses, stages, method settings, usage plans, WAF rate rules), runs each Lambda
// function it points at from the function's own code folder, handler and environment, behind a
// local gateway that applies the declared rules, with a real local SES (aws-ses-v2-local) and its
// inbox, and serves the contact page as an owner's site would (site.ts: its own origin, another
// port, the token published next to it). Nothing here knows the program's routes or limits.
//
// One exception to "as declared", by design: the program's allowedOrigin config (if it has one) is
// the local site's origin (the prod file names the production site), unless ALLOWED_ORIGIN says
// otherwise. The local-only environment (SES endpoint, dummy credentials, region) is added
// on top of each function's declared environment, as SAM does.
import { PROJECT_ROOT } from "../../infra/bundle";
import { loadStackConfig } from "../stack-config";
import { createGateway, type Gateway } from "../local-gateway/gateway";
import { siteSetupText } from "../../contracts/site";
import { createFrontServer } from "../local-gateway/http-server";
import { startLambda, type LambdaContainer } from "../local-gateway/lambda-container";
import type { GatewayModel } from "../local-gateway/model";
import { handlerEntry, NotEmulatedError, readGatewayModel } from "../local-gateway/read-program";
import { startLocalSes, type LocalSes } from "../local-ses";
import { answerOnlyOwnHostNames } from "../own-host-names";
import type { SesFault } from "../local-ses-faults";
import { startLocalDelivery, type LocalDelivery } from "./delivery";
import type { RegisteredResource } from "../engine/program-run";
import { ProgramRunError, runProgram as runUnderEngine } from "../engine/run-program";
import { LocalStackError } from "./local-stack-error";
import { assertPortFree, close, listen } from "./ports";
import { localProgramConfig, localToken } from "./settings";
import { createSiteServer, publishSite } from "./site";

/** The stack `npm start` serves (a Pulumi stack, not an API Gateway stage). */
export const DEFAULT_STACK = "prod";
// The account the engine reports (getCallerIdentity, fake-outputs.ts); the gateway uses it in ARNs.
const LOCAL_ACCOUNT_ID = "123456789012";
/** How long the program may take to run (it builds its Lambda bundles) before `npm start` gives up. */
export const PROGRAM_TIMEOUT_MS = 120_000;

export interface LocalStackOptions {
  /** The Pulumi program to serve (a folder with a Pulumi.yaml); this project by default. */
  programDir?: string;
  stackName?: string;
  /** The API's port; 0 picks a free one. */
  port?: number;
  /** The contact page's site (its own origin); 0 picks a free one. */
  sitePort?: number;
  /** aws-ses-v2-local's port; 0 picks a free one. */
  sesPort?: number;
  /** The token callers send; a random one when absent. */
  authToken?: string;
  /** CORS origin; defaults to the local site's origin. */
  allowedOrigin?: string;
  /** Config values (keys without the project prefix) over the stack file's, as `pulumi config set`. */
  config?: Record<string, string>;
  /** Where the gateway's and the handlers' log lines go. */
  log?: (line: string) => void;
  /** How long the program may run; PROGRAM_TIMEOUT_MS unless set. */
  programTimeoutMs?: number;
  /**
   * Compile the program without its type check (a test whose program `tsc` checks); otherwise as
   * its Pulumi.yaml says, as under `pulumi up`.
   */
  transpileOnly?: boolean;
  /** Puts the local SES behind the fault proxy with this fault (LOCAL_SES_FAULT). */
  sesFault?: SesFault;
}

export interface LocalStack {
  /** The first stage's invoke URL, like a deployed stage's. */
  url: string;
  /** Every stage's invoke URL, by stage name. */
  stageUrls: Record<string, string>;
  /** The contact page, on the local site's own origin (not the API's). */
  pageUrl: string;
  /** What `pulumi stack output siteSetup` prints, for this local stack. */
  siteSetup: string;
  /** aws-ses-v2-local's inbox page (and its JSON store at /store). */
  inboxUrl: string;
  token: string;
  projectName: string;
  /** The stack's non-secret config as the program read it (fully qualified keys). */
  config: Record<string, string>;
  /** What the program declared, as the gateway serves it. */
  model: GatewayModel;
  ses: LocalSes;
  /** The declared queues on the local SQS, their consumers, and the local SES fault switch. */
  delivery: LocalDelivery;
  /** One line per event source mapping being polled. */
  consumers: string[];
  stop(): Promise<void>;
}

type Cleanups = Array<() => Promise<void>>;

/** The local SES, the API's front server and the site's server, listening. */
async function startServers(
  ports: { port: number; sesPort: number; sitePort: number },
  token: string,
  log: (line: string) => void,
  cleanups: Cleanups,
) {
  const { port, sesPort, sitePort } = ports;
  // Busy ports are reported before the program runs, and aws-ses-v2-local does not report them.
  if (port !== 0) await assertPortFree(port, "PORT");
  if (sesPort !== 0) await assertPortFree(sesPort, "SES_PORT");
  if (sitePort !== 0) await assertPortFree(sitePort, "SITE_PORT");
  const ses = await startLocalSes({ port: sesPort, ownHostNamesOnly: true });
  cleanups.push(() => ses.stop());

  // Listen first: the origins (and so the allowed origin) depend on the ports.
  const live: { gateway?: Gateway; apiUrl: string } = { apiUrl: "" };
  const front = createFrontServer({ gateway: () => live.gateway, log });
  const boundPort = await listen(front, port, "PORT");
  answerOnlyOwnHostNames(front);
  cleanups.push(() => close(front));
  const origin = `http://127.0.0.1:${boundPort}`;
  const site = createSiteServer(() => publishSite({ apiUrl: live.apiUrl, token }));
  const siteOrigin = `http://127.0.0.1:${await listen(site, sitePort, "SITE_PORT")}`;
  answerOnlyOwnHostNames(site);
  cleanups.push(() => close(site));
  return { ses, live, origin, siteOrigin };
}

/**
 * Runs the program as an update under the engine, with the local config: the program's own
 * process, uncontained as under `pulumi up` (its bundle build must land). Whatever the engine
 * refuses (a failure, a run that never ends) is a LocalStackError of one line.
 */
async function runProgram(
  options: LocalStackOptions,
  program: { programDir: string; stackName: string },
  config: { overrides: Record<string, string>; secretKeys: string[] },
) {
  try {
    return await runUnderEngine({
      programDir: program.programDir,
      stackName: program.stackName,
      preview: false,
      config: config.overrides,
      secretKeys: config.secretKeys,
      timeoutMs: options.programTimeoutMs ?? PROGRAM_TIMEOUT_MS,
      transpileOnly: options.transpileOnly ?? false,
      contained: false,
      timeoutHint:
        "`pulumi up` would wait for it as well: end the timer or connection that keeps it running",
    });
  } catch (error) {
    if (!(error instanceof ProgramRunError)) throw error;
    // The engine's line starts in lower case ("the program failed under update: ...").
    throw new LocalStackError(error.message.charAt(0).toUpperCase() + error.message.slice(1));
  }
}

/** The REST API the program registered, as the gateway serves it. */
function readModel(resources: RegisteredResource[], region: string): GatewayModel {
  let model: GatewayModel;
  try {
    model = readGatewayModel(resources, { region, accountId: LOCAL_ACCOUNT_ID });
  } catch (error) {
    if (error instanceof NotEmulatedError) throw new LocalStackError(error.message);
    throw new LocalStackError(`Cannot serve the program: ${messageOf(error)}`);
  }
  if (model.stages.length === 0) {
    throw new LocalStackError("The program declares no stage (aws.apigateway.Stage) to serve.");
  }
  return model;
}

/** A part of the program the local stack does not emulate is reported as a LocalStackError. */
function notEmulatedAsLocalStackError(error: unknown): never {
  if (error instanceof NotEmulatedError) throw new LocalStackError(error.message);
  throw error;
}

/** One Lambda container per function the gateway points at, by function name. */
async function startFunctions(
  model: GatewayModel,
  delivery: LocalDelivery,
  localEnv: Record<string, string>,
  log: (line: string) => void,
  cleanups: Cleanups,
): Promise<Map<string, LambdaContainer>> {
  const containers = new Map<string, LambdaContainer>();
  await Promise.all(
    model.functions.map(async (fn) => {
      const entry = handlerEntry(fn);
      const container = await startLambda({
        name: fn.name,
        file: entry.file,
        exportName: entry.exportName,
        env: {
          ...delivery.localize(fn.environment),
          ...localEnv,
          AWS_LAMBDA_FUNCTION_NAME: fn.name,
        },
        timeoutSeconds: fn.timeoutSeconds,
        ...(fn.reservedConcurrency === undefined
          ? {}
          : { reservedConcurrency: fn.reservedConcurrency }),
        log: (line) => log(`[${fn.name}] ${line}`),
      });
      cleanups.push(() => container.stop());
      containers.set(fn.name, container);
    }),
  );
  return containers;
}

/** The local-only environment on top of each function's declared one, as SAM does. */
function localEnvironment(region: string, delivery: LocalDelivery): Record<string, string> {
  return {
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    AWS_ENDPOINT_URL_SES: delivery.sesUrl,
    ...(delivery.sqsUrl ? { AWS_ENDPOINT_URL_SQS: delivery.sqsUrl } : {}),
  };
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const log = options.log ?? ((line: string) => console.log(line));
  const programDir = options.programDir ?? PROJECT_ROOT;
  const stackName = options.stackName ?? DEFAULT_STACK;
  const stackConfig = loadStackConfig(programDir, stackName);
  const { projectName } = stackConfig;
  const token = localToken(options.authToken);

  const cleanups: Cleanups = [];
  const stopAll = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const ports = {
      port: options.port ?? 3000,
      sesPort: options.sesPort ?? 8005,
      sitePort: options.sitePort ?? 8080,
    };
    const { ses, live, origin, siteOrigin } = await startServers(ports, token, log, cleanups);
    const programConfig = localProgramConfig(stackConfig, {
      origin: siteOrigin,
      token,
      allowedOrigin: options.allowedOrigin,
      config: options.config,
    });
    const config = programConfig.values;
    const run = await runProgram(options, { programDir, stackName }, programConfig);
    const region = config["aws:region"] ?? "us-east-1";
    const model = readModel(run.resources, region);

    const delivery = await startLocalDelivery({
      resources: run.resources,
      ses,
      sesFault: options.sesFault,
    }).catch(notEmulatedAsLocalStackError);
    cleanups.push(() => delivery.stop());
    const localEnv = localEnvironment(region, delivery);
    const containers = await startFunctions(model, delivery, localEnv, log, cleanups);
    const consumers = await delivery
      .startConsumers({ resources: run.resources, env: localEnv, log })
      .catch(notEmulatedAsLocalStackError);

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
      pageUrl: `${siteOrigin}/`,
      siteSetup: siteSetupText({
        apiUrl: url,
        allowedOrigin: config[`${projectName}:allowedOrigin`] ?? "*",
      }),
      inboxUrl: `${ses.url}/`,
      token,
      projectName,
      config: publicConfig,
      model,
      ses,
      delivery,
      consumers,
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
