// A real local SES endpoint (aws-ses-v2-local) started in this process, with its inbox. Used by
// the local stack and by the tests. In-process on purpose: a child started through npx would
// outlive a killed parent.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import startSesServer from "aws-ses-v2-local";

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

export async function startLocalSes(options: { port?: number } = {}): Promise<LocalSes> {
  const server: Server = await startSesServer({ host: "127.0.0.1", port: options.port ?? 0 });
  const { port } = server.address() as AddressInfo;
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
      await fetch(`${url}/clear-store`, { method: "POST" });
    },
    stop() {
      return new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      });
    },
  };
}
