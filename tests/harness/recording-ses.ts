// The local SES behind a small HTTP proxy that keeps the raw body of every request it forwards,
// so a test can read exactly what the SDK put on the wire (the inbox only shows what SES parsed).
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { startLocalSes, type LocalSes } from "../../tools/local-ses";

export interface RecordingSes {
  /** Base URL of the proxy, for AWS_ENDPOINT_URL_SES. */
  url: string;
  ses: LocalSes;
  /** Raw request bodies in arrival order. */
  bodies: string[];
  stop(): Promise<void>;
}

export async function startRecordingSes(): Promise<RecordingSes> {
  const ses = await startLocalSes();
  const bodies: string[] = [];
  const server: Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      const body = Buffer.concat(chunks);
      bodies.push(body.toString("utf8"));
      const forward = httpRequest(
        {
          host: "127.0.0.1",
          port: ses.port,
          method: incoming.method,
          path: incoming.url,
          headers: { ...incoming.headers, host: `127.0.0.1:${ses.port}` },
        },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      forward.on("error", () => outgoing.destroy());
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    ses,
    bodies,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await ses.stop();
    },
  };
}

/** Each key of a query-protocol body with how often it occurs. */
export function keyCounts(body: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of new URLSearchParams(body).keys()) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}

/** Keys that occur more than once: a well-formed SendEmail request has none. */
export function repeatedKeys(body: string): string[] {
  return [...keyCounts(body)].filter(([, count]) => count > 1).map(([key]) => key);
}
