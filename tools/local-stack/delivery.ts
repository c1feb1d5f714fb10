// The delivery path of `npm start`, as the program declares it: every SQS queue it registers (with
// its redrive policy) on a real local SQS (tools/local-sqs.ts), every event source mapping polled
// into its function (run as a Lambda container), and, when LOCAL_SES_FAULT asks for it, the local
// SES behind the fault proxy (tools/local-ses-faults.ts), so a visitor can watch a message get
// queued while SES refuses and delivered once the fault is lifted.
//
// One difference from the deployed queue, by design: the backoff between tries (the visibility
// timeout) is `retrySeconds` (5 s) instead of the declared minutes, so the retry can be watched.
import type { RegisteredResource } from "../engine/program-run";
import { readFunction, handlerEntry, NotEmulatedError } from "../local-gateway/read-program";
import { startLambda, type LambdaContainer } from "../local-gateway/lambda-container";
import type { LocalSes } from "../local-ses";
import { startFaultySes, type FaultySes, type SesFault } from "../local-ses-faults";
import { startLocalSqs, type LocalSqs } from "../local-sqs";
import { startPolling } from "./event-source-mapping";

export const LOCAL_RETRY_SECONDS = 5;

export interface LocalDelivery {
  /** The SES endpoint the functions use: the fault proxy when one runs, else the local SES. */
  sesUrl: string;
  sqsUrl: string | undefined;
  /** The queues by resource name, with their local URLs. */
  queues: Record<string, string>;
  /** A function's declared environment, with queue ids replaced by the local queues' URLs. */
  localize(environment: Record<string, string>): Record<string, string>;
  /** Starts the containers of the mapped functions and polls their queues. */
  startConsumers(options: {
    resources: RegisteredResource[];
    env: Record<string, string>;
    log(line: string): void;
  }): Promise<string[]>;
  /** Changes the local SES fault (the proxy starts with the first one asked for). */
  setSesFault(fault: SesFault): Promise<void>;
  sqs?: LocalSqs;
  stop(): Promise<void>;
}

const QUEUE = "aws:sqs/queue:Queue";
const MAPPING = "aws:lambda/eventSourceMapping:EventSourceMapping";
const FUNCTION = "aws:lambda/function:Function";

const idOf = (resource: RegisteredResource) =>
  typeof resource.outputs.id === "string" ? resource.outputs.id : `${resource.name}-id`;

interface Redrive {
  deadLetterTargetArn: string;
  maxReceiveCount: number;
}

const redriveOf = (queue: RegisteredResource): Redrive | undefined =>
  typeof queue.inputs.redrivePolicy === "string"
    ? (JSON.parse(queue.inputs.redrivePolicy) as Redrive)
    : undefined;

/** The declared queues on the local SQS, and how the program's ids and ARNs map to their URLs. */
interface LocalQueues {
  queues: Record<string, string>;
  urlById: Map<string, string>;
  urlByArn: Map<string, string>;
}

/** Creates every declared queue on the local SQS, dead-letter queues first. */
async function createQueues(
  sqs: LocalSqs,
  declared: RegisteredResource[],
  retrySeconds: number,
): Promise<LocalQueues> {
  const made: LocalQueues = { queues: {}, urlById: new Map(), urlByArn: new Map() };
  // Dead-letter queues first: a redrive policy names its target by ARN.
  const ordered = [...declared].sort(
    (a, b) => Number(redriveOf(a) !== undefined) - Number(redriveOf(b) !== undefined),
  );
  const localArnByArn = new Map<string, string>();
  for (const queue of ordered) {
    const redrive = redriveOf(queue);
    const target = redrive && localArnByArn.get(redrive.deadLetterTargetArn);
    if (redrive && target === undefined) {
      throw new NotEmulatedError(queue, "a redrive policy to a queue the program does not declare");
    }
    const created = await sqs.createQueue(queue.name, {
      visibilityTimeoutSeconds: retrySeconds,
      ...(redrive && target ? { redrive: { ...redrive, deadLetterTargetArn: target } } : {}),
    });
    made.queues[queue.name] = created.url;
    made.urlById.set(idOf(queue), created.url);
    if (typeof queue.outputs.arn === "string") {
      made.urlByArn.set(queue.outputs.arn, created.url);
      localArnByArn.set(queue.outputs.arn, created.arn);
    }
  }
  return made;
}

/** Starts one event source mapping's function in a container and polls its queue into it. */
async function startConsumer(
  mapping: RegisteredResource,
  context: {
    resources: RegisteredResource[];
    env: Record<string, string>;
    log(line: string): void;
    sqs: LocalSqs | undefined;
    urlByArn: Map<string, string>;
    localize(environment: Record<string, string>): Record<string, string>;
  },
): Promise<{ line: string; stop(): Promise<void> }> {
  const { resources, sqs, log } = context;
  const queueUrl = context.urlByArn.get(String(mapping.inputs.eventSourceArn));
  const fnResource = resources.find(
    (resource) =>
      resource.type === FUNCTION &&
      (resource.outputs.arn === mapping.inputs.functionName ||
        resource.name === mapping.inputs.functionName),
  );
  if (queueUrl === undefined || fnResource === undefined || sqs === undefined) {
    throw new NotEmulatedError(mapping, "an event source other than a declared queue");
  }
  // The event source mapping invokes it with the function's own role: no resource policy.
  const fn = readFunction(fnResource, []);
  const entry = handlerEntry(fn);
  const container: LambdaContainer = await startLambda({
    name: fn.name,
    file: entry.file,
    exportName: entry.exportName,
    env: { ...context.localize(fn.environment), ...context.env, AWS_LAMBDA_FUNCTION_NAME: fn.name },
    timeoutSeconds: fn.timeoutSeconds,
    log: (line) => log(`[${fn.name}] ${line}`),
  });
  const polling = startPolling(
    {
      client: sqs.client,
      queueUrl,
      batchSize: Number(mapping.inputs.batchSize ?? 10),
      invoke: (event) => container.invoke(event),
    },
    { idleMs: 500, onError: (error) => log(`[${mapping.name}] ${String(error)}`) },
  );
  return {
    line: `${mapping.name}: ${fnResource.name} <- ${queueUrl}`,
    async stop() {
      await polling.stop();
      await container.stop();
    },
  };
}

export async function startLocalDelivery(options: {
  resources: RegisteredResource[];
  ses: LocalSes;
  sesFault?: SesFault;
  retrySeconds?: number;
}): Promise<LocalDelivery> {
  const cleanups: Array<() => Promise<void>> = [];
  let faulty: FaultySes | undefined;
  if (options.sesFault !== undefined && options.sesFault !== "none") {
    const proxy = await startFaultySes({ port: options.ses.port }, { plan: options.sesFault });
    faulty = proxy;
    cleanups.push(() => proxy.stop());
  }

  const declared = options.resources.filter((resource) => resource.type === QUEUE);
  let made: LocalQueues = { queues: {}, urlById: new Map(), urlByArn: new Map() };
  let sqs: LocalSqs | undefined;
  if (declared.length > 0) {
    const localSqs = await startLocalSqs();
    sqs = localSqs;
    cleanups.push(() => localSqs.stop());
    made = await createQueues(localSqs, declared, options.retrySeconds ?? LOCAL_RETRY_SECONDS);
  }
  const { queues, urlById, urlByArn } = made;

  const localize = (environment: Record<string, string>) =>
    Object.fromEntries(
      Object.entries(environment).map(([key, value]) => [key, urlById.get(value) ?? value]),
    );
  return {
    get sesUrl() {
      return faulty?.url ?? options.ses.url;
    },
    sqsUrl: sqs?.url,
    queues,
    sqs,
    localize,
    async startConsumers({ resources, env, log }) {
      const started: string[] = [];
      for (const mapping of resources.filter((resource) => resource.type === MAPPING)) {
        const consumer = await startConsumer(mapping, {
          resources,
          env,
          log,
          sqs,
          urlByArn,
          localize,
        });
        cleanups.push(() => consumer.stop());
        started.push(consumer.line);
      }
      return started;
    },
    async setSesFault(fault) {
      if (faulty === undefined) {
        throw new Error("The local SES runs without the fault proxy: start with LOCAL_SES_FAULT.");
      }
      await faulty.setFault(fault);
    },
    async stop() {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
    },
  };
}
