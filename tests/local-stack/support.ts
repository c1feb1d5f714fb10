// Starting the local stack in this process for a test file, on free ports, with the real bundles.
import { chromium, type Browser } from "playwright-core";
import { resolveChromium } from "./chromium";
import { builtHandlers } from "../harness/local-ses";
import { startLocalStack, type LimitSettings, type LocalStack } from "../../tools/local-stack";

export interface TestStack extends LocalStack {
  /** Every log line (gateway, authorizer, mailer) since the start. */
  logs: string[];
  post(init?: {
    token?: string | null;
    body?: string;
    headers?: Record<string, string>;
  }): Promise<Response>;
}

export async function startTestStack(
  limits: Partial<LimitSettings> = {},
  allowedOrigin?: string,
): Promise<TestStack> {
  const logs: string[] = [];
  const stack = await startLocalStack({
    port: 0,
    sesPort: 0,
    limits,
    allowedOrigin,
    bundles: await builtHandlers(),
    log: (line) => logs.push(line),
  });
  return {
    ...stack,
    logs,
    post(init = {}) {
      const headers: Record<string, string> = { ...init.headers };
      if (init.token !== null) headers.authtoken = init.token ?? stack.token;
      return fetch(stack.url, { method: "POST", headers, body: init.body });
    },
  };
}

export const authorizerCalls = (logs: string[]) =>
  logs.filter((line) => line.startsWith("[authorizer] {")).length;

/**
 * Chromium headless through playwright-core (which downloads no browser of its own): Debian's
 * when installed, otherwise the one inside the npm package @sparticuz/chromium.
 */
export async function launchChromium(): Promise<Browser> {
  const { executablePath, args, env } = await resolveChromium();
  return chromium.launch({ executablePath, args, env: { ...process.env, ...env } });
}
