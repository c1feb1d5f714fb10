// The local stack's HTTP front: the contact page is served at / (and its two files) with the API's
// URL filled in, as a static site would host it; every other request goes through the gateway
// pipeline, which answers 403 Forbidden outside its stages, as API Gateway does.
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { join } from "node:path";
import { GATEWAY_ANSWERS, UNCUSTOMISED_ANSWERS } from "../../contracts/gateway-answers";
import { MAX_PAYLOAD_BYTES, type Gateway, type GatewayResponse } from "./gateway";

export const WEB_DIR = join(__dirname, "..", "..", "web");
/** The tag in web/index.html that tells the page where the API is. */
const API_URL_META = /(<meta\s+name="mailer-api-url"\s+content=")[^"]*(")/;

export interface FrontOptions {
  /** The gateway, once its Lambdas are up (until then the API answers 503). */
  gateway: () => Gateway | undefined;
  /** The API URL the page posts to; read when a page is served (the port is known late). */
  apiUrl: () => string;
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
  const target = req.url ?? "/";
  const pathname = target.split("?")[0];
  const gateway = options.gateway();
  const page = STATIC_FILES[pathname];
  if (page === undefined || gateway?.stageOf(target) !== undefined) {
    if (gateway === undefined) {
      res.writeHead(503, { "Content-Type": "application/json", "Retry-After": "1" });
      res.end(JSON.stringify({ message: "Service Unavailable" }));
      return;
    }
    const response = await callGateway(gateway, req);
    send(res, response);
    options.log(
      `${method} ${pathname} -> ${response.statusCode} ${response.outcome} (${Date.now() - started} ms)`,
    );
    return;
  }
  serveStatic(options, method, page, res);
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
    const body = JSON.stringify({ message: UNCUSTOMISED_ANSWERS.integrationFailure.message });
    res.writeHead(502, { "Content-Type": "application/json" });
    res.end(body);
    return;
  }
  res.end(response.body);
}

const STATIC_FILES: Record<string, { file: string; type: string }> = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/index.html": { file: "index.html", type: "text/html; charset=utf-8" },
  "/contact.js": { file: "contact.js", type: "text/javascript; charset=utf-8" },
};

function serveStatic(
  options: FrontOptions,
  method: string,
  entry: { file: string; type: string },
  res: ServerResponse,
) {
  if (method !== "GET" && method !== "HEAD") {
    res.writeHead(405, { "Content-Type": "text/plain; charset=utf-8", Allow: "GET, HEAD" });
    res.end("The contact page only answers GET.\n");
    return;
  }
  let content = readFileSync(join(WEB_DIR, entry.file), "utf8");
  if (entry.file === "index.html") {
    content = content.replace(API_URL_META, (_match, start: string, end: string) => {
      return `${start}${escapeAttribute(options.apiUrl())}${end}`;
    });
  }
  res.writeHead(200, {
    "Content-Type": entry.type,
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
  });
  res.end(method === "HEAD" ? undefined : content);
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
}
