// The local gateway's HTTP adapter: every request goes through the gateway pipeline, which answers
// 403 Forbidden outside its stages, as API Gateway does. Nothing here names a route or a page (the
// contact page is served by the local stack's site, tools/local-stack/site.ts, on its own origin).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import {
  GATEWAY_ANSWERS,
  UNCUSTOMISED_ANSWERS,
  gatewayAnswerBody,
} from "../../contracts/gateway-answers";
import { MAX_PAYLOAD_BYTES, type Gateway, type GatewayResponse } from "./gateway";

export interface FrontOptions {
  /** The gateway, once its Lambdas are up (until then the API answers 503). */
  gateway: () => Gateway | undefined;
  log: (line: string) => void;
}

export function createFrontServer(options: FrontOptions): Server {
  const server = createServer((req, res) => {
    void route(options, req, res).catch(() => {
      // Only a broken socket gets here; the answer, if any, is a bare 500.
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  // Slow or stuck clients cannot hold the gateway open forever.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  return server;
}

async function route(options: FrontOptions, req: IncomingMessage, res: ServerResponse) {
  const started = Date.now();
  const method = req.method ?? "GET";
  // The path as sent: no dot-segment normalisation (`/prod/x/..` is not `/prod`).
  const pathname = (req.url ?? "/").split("?")[0];
  const gateway = options.gateway();
  if (gateway === undefined) {
    res.writeHead(503, { "Content-Type": "application/json", "Retry-After": "1" });
    res.end(gatewayAnswerBody({ message: "Service Unavailable" }));
    return;
  }
  const response = await callGateway(gateway, req);
  send(res, response);
  options.log(
    `${method} ${pathname} -> ${response.statusCode} ${response.outcome} (${Date.now() - started} ms)`,
  );
}

async function callGateway(gateway: Gateway, req: IncomingMessage): Promise<GatewayResponse> {
  const body = await readBody(req, MAX_PAYLOAD_BYTES);
  if (body === undefined) {
    req.resume();
    const response = gateway.answer(GATEWAY_ANSWERS.requestTooLarge, "payload-too-large");
    response.headers["Connection"] = "close";
    return response;
  }
  const headers: Array<[string, string]> = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    headers.push([req.rawHeaders[i], req.rawHeaders[i + 1]]);
  }
  return gateway.handle({
    method: req.method ?? "GET",
    url: req.url ?? "/",
    headers,
    body,
    sourceIp: (req.socket.remoteAddress ?? "127.0.0.1").replace(/^::ffff:/, ""),
  });
}

/** The whole body, or undefined as soon as it grows past `limit` bytes. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off("data", onData);
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, response: GatewayResponse): void {
  try {
    res.writeHead(response.statusCode, response.headers);
  } catch {
    // A header value Node refuses (a line break from the integration): API Gateway answers 502.
    const body = gatewayAnswerBody(UNCUSTOMISED_ANSWERS.integrationFailure);
    res.writeHead(502, { "Content-Type": "application/json" });
    res.end(body);
    return;
  }
  res.end(response.body);
}
