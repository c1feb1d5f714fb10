// A proxy in front of the local SES that breaks requests the ways networks and SES break them:
// SES's own throttling, unavailable and message-rejected answers, a refused connection (the proxy stops listening),
// a connection reset before the request reaches SES, a reset after SES accepted it (the mail is
// sent, its answer lost), and a black hole (the request is read, nothing ever answers). Used by the
// tests (one fault, or a seeded random fault per request) and by `npm start` (LOCAL_SES_FAULT).
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo, Socket } from "node:net";

export const SES_FAULTS = [
  "none",
  "throttle",
  "unavailable",
  "reject",
  "down",
  "reset-before",
  "reset-after",
  "blackhole",
] as const;
export type SesFault = (typeof SES_FAULTS)[number];

/** One fault for every request, or a choice per request (its sequence number from 1). */
export type FaultPlan = SesFault | ((request: number) => Exclude<SesFault, "down">);

export interface FaultySes {
  /** Base URL, for AWS_ENDPOINT_URL_SES. */
  url: string;
  port: number;
  /** Requests that reached the proxy, and what was done to each. */
  log: { request: number; fault: SesFault }[];
  setFault(plan: FaultPlan): Promise<void>;
  stop(): Promise<void>;
}

export function isSesFault(value: string): value is SesFault {
  return (SES_FAULTS as readonly string[]).includes(value);
}

/** SES's query-protocol error document, as SES answers a refused SendEmail. */
function sesError(type: "Sender" | "Receiver", code: string, message: string): string {
  return (
    `<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>${type}</Type>` +
    `<Code>${code}</Code><Message>${message}</Message></Error>` +
    `<RequestId>00000000-0000-4000-8000-000000000000</RequestId></ErrorResponse>`
  );
}

const CANNED: Partial<Record<SesFault, { status: number; body: string }>> = {
  throttle: {
    status: 400,
    body: sesError("Sender", "Throttling", "Maximum sending rate exceeded."),
  },
  unavailable: {
    status: 503,
    body: sesError("Receiver", "ServiceUnavailable", "Service is unavailable."),
  },
  reject: {
    status: 400,
    body: sesError("Sender", "MessageRejected", "Email address is not verified."),
  },
};

function readBody(incoming: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => resolve(Buffer.concat(chunks)));
    incoming.on("error", reject);
  });
}

interface Answer {
  status: number;
  headers: IncomingMessage["headers"];
  body: Buffer;
}

/** Passes the request on to the SES on `targetPort` and reads its whole answer. */
function forward(targetPort: number, incoming: IncomingMessage, body: Buffer): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    const request = httpRequest(
      {
        host: "127.0.0.1",
        port: targetPort,
        method: incoming.method,
        path: incoming.url,
        headers: { ...incoming.headers, host: `127.0.0.1:${targetPort}` },
      },
      (answer) => {
        readBody(answer).then(
          (answerBody) =>
            resolve({
              status: answer.statusCode ?? 502,
              headers: answer.headers,
              body: answerBody,
            }),
          reject,
        );
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

/** What the proxy knows between requests: the plan, the count, the log, the held sockets. */
interface ProxyState {
  targetPort: number;
  plan: FaultPlan;
  sequence: number;
  log: FaultySes["log"];
  held: Set<Socket>;
}

/** Reads one request, picks its fault, and answers (or breaks the connection) accordingly. */
async function handleRequest(
  state: ProxyState,
  incoming: IncomingMessage,
  outgoing: ServerResponse,
): Promise<void> {
  const body = await readBody(incoming);
  state.sequence += 1;
  const fault = typeof state.plan === "function" ? state.plan(state.sequence) : state.plan;
  state.log.push({ request: state.sequence, fault });
  const canned = CANNED[fault];
  if (canned) {
    outgoing.writeHead(canned.status, { "Content-Type": "text/xml" });
    outgoing.end(canned.body);
    return;
  }
  if (fault === "reset-before") {
    incoming.socket.resetAndDestroy();
    return;
  }
  if (fault === "blackhole") {
    state.held.add(incoming.socket);
    return;
  }
  const answer = await forward(state.targetPort, incoming, body);
  if (fault === "reset-after") {
    // SES has accepted (and stored) the message; its answer never reaches the caller.
    incoming.socket.resetAndDestroy();
    return;
  }
  outgoing.writeHead(answer.status, answer.headers);
  outgoing.end(answer.body);
}

function listenOn(server: Server, port: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Stops listening and drops every connection, the black-holed ones too. */
function closeServer(server: Server, held: Set<Socket>): Promise<void> {
  return new Promise<void>((resolve) => {
    for (const socket of held) socket.destroy();
    held.clear();
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

/** Starts the proxy in front of the SES listening on `target.port` (127.0.0.1). */
export async function startFaultySes(
  target: { port: number },
  options: { port?: number; plan?: FaultPlan } = {},
): Promise<FaultySes> {
  const state: ProxyState = {
    targetPort: target.port,
    plan: options.plan ?? "none",
    sequence: 0,
    log: [],
    held: new Set<Socket>(),
  };
  const server: Server = createServer((incoming, outgoing) => {
    handleRequest(state, incoming, outgoing).catch(() => incoming.socket.destroy());
  });

  const port = await listenOn(server, options.port ?? 0);
  let listening = true;
  const faulty: FaultySes = {
    url: `http://127.0.0.1:${port}`,
    port,
    log: state.log,
    async setFault(next) {
      state.plan = next;
      // "down": nothing listens on the port, so a connection is refused before any byte is sent.
      if (next === "down" && listening) {
        listening = false;
        await closeServer(server, state.held);
      } else if (next !== "down" && !listening) {
        await listenOn(server, port);
        listening = true;
      }
    },
    async stop() {
      if (listening) await closeServer(server, state.held);
      listening = false;
    },
  };
  if (state.plan === "down") {
    listening = false;
    await closeServer(server, state.held);
  }
  return faulty;
}
