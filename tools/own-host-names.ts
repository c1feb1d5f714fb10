// A local server answers only the names it was started on, `127.0.0.1:<port>` and
// `localhost:<port>`, and 421 Misdirected Request to any other Host. A web page whose own DNS
// name is rebound to 127.0.0.1 (DNS rebinding) sends its own name as Host, so it can neither read
// the local inbox nor call the local API through the browser's same-origin rules.
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** Puts the Host check in front of every request listener the server has now. */
export function answerOnlyOwnHostNames(server: Server, extraCheck?: RequestListenerGuard): void {
  const listeners = server.listeners("request") as RequestListener[];
  server.removeAllListeners("request");
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    if (!isOwnHostName(req.headers.host, server)) {
      res.writeHead(421, { "Content-Type": "text/plain; charset=utf-8", Connection: "close" });
      res.end(
        `Misdirected Request: this local server answers only ${ownHostNames(server).join(" and ")}\n`,
      );
      return;
    }
    if (extraCheck && !extraCheck(req, res)) return;
    for (const listener of listeners) listener.call(server, req, res);
  });
}

/** Answers the request itself and returns false, or returns true to let it through. */
export type RequestListenerGuard = (req: IncomingMessage, res: ServerResponse) => boolean;

function ownHostNames(server: Server): string[] {
  const address = server.address() as AddressInfo | null;
  return address === null ? [] : [`127.0.0.1:${address.port}`, `localhost:${address.port}`];
}

function isOwnHostName(host: string | undefined, server: Server): boolean {
  return host !== undefined && ownHostNames(server).includes(host.toLowerCase());
}
