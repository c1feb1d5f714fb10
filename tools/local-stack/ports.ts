// Listening on 127.0.0.1, with a busy or privileged port reported as the variable that moves it.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { LocalStackError } from "./local-stack-error";

export function listen(server: Server, port: number, variable: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => reject(portError(error, port, variable));
    server.once("error", onError);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function assertPortFree(port: number, variable: string): Promise<void> {
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

export function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
