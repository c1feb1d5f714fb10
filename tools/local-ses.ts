// A real local SES endpoint (aws-ses-v2-local) started in this process, with its inbox. Used by
// the local stack and by the tests. In-process on purpose: a child started through npx would
// outlive a killed parent.
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import startSesServer from "aws-ses-v2-local";
import { answerOnlyOwnHostNames } from "./own-host-names";

/**
 * The header a request must carry to empty the inbox: a plain cross-site form POST cannot send
 * one, so a page the developer visits cannot wipe the inbox.
 */
export const CLEAR_INBOX_HEADER = "x-local-inbox";

export interface InboxEmail {
  messageId: string;
  from: string;
  replyTo: string[];
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { text?: string; html?: string };
  at: number;
}

export interface LocalSes {
  /** Base URL, for AWS_ENDPOINT_URL_SES and for the inbox page at `/`. */
  url: string;
  port: number;
  inbox(): Promise<InboxEmail[]>;
  clear(): Promise<void>;
  stop(): Promise<void>;
}

export interface LocalSesOptions {
  port?: number;
  /**
   * Answer only 127.0.0.1:<port> and localhost:<port> (the local stack's inbox, which a browser
   * can reach); tests that put a proxy in front leave it off.
   */
  ownHostNamesOnly?: boolean;
}

export async function startLocalSes(options: LocalSesOptions = {}): Promise<LocalSes> {
  const server: Server = await startSesServer({ host: "127.0.0.1", port: options.port ?? 0 });
  const { port } = server.address() as AddressInfo;
  if (options.ownHostNamesOnly) answerOnlyOwnHostNames(server, refuseClearWithoutHeader);
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    async inbox() {
      const response = await fetch(`${url}/store`);
      const store = (await response.json()) as { emails: InboxEmail[] };
      return store.emails;
    },
    async clear() {
      await fetch(`${url}/clear-store`, {
        method: "POST",
        headers: { [CLEAR_INBOX_HEADER]: "clear" },
      });
    },
    stop() {
      return new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      });
    },
  };
}

function refuseClearWithoutHeader(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.url?.split("?")[0] !== "/clear-store" || req.headers[CLEAR_INBOX_HEADER] === "clear") {
    return true;
  }
  res.writeHead(403, { "Content-Type": "text/plain; charset=utf-8" });
  res.end(`Emptying the inbox takes the header ${CLEAR_INBOX_HEADER}: clear\n`);
  return false;
}
