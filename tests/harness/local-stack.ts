// Starting the local stack in this process for a test file, on free ports: the program runs as an
// update under the engine and builds its own bundles, as `npm start` does.
import { TOKEN_HEADER } from "../../contracts/token";
import { parseSettings, type MailerSettings } from "../../infra/settings";
import {
  startLocalStack,
  type LocalStack,
  type LocalStackOptions,
} from "../../tools/local-stack/start-local-stack";

export type LimitSettings = Pick<
  MailerSettings,
  "rateLimit" | "burstLimit" | "dailyQuota" | "authorizerCacheTtl"
>;

export interface TestStack extends LocalStack {
  /** The settings the program read (infra/settings.ts over the stack's config). */
  settings: MailerSettings;
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
  options: Partial<LocalStackOptions> = {},
): Promise<TestStack> {
  const logs: string[] = [];
  const stack = await startLocalStack({
    port: 0,
    sesPort: 0,
    sitePort: 0,
    allowedOrigin,
    log: (line) => logs.push(line),
    // `tsc --noEmit` type-checks the program and the fixtures once, in npm test.
    transpileOnly: true,
    ...options,
    // The limits and the options' config together (the options' win for the same key).
    config: {
      ...Object.fromEntries(Object.entries(limits).map(([key, value]) => [key, String(value)])),
      ...options.config,
    },
  });
  return {
    ...stack,
    settings: settingsOf(stack),
    logs,
    post(init = {}) {
      const headers: Record<string, string> = { ...init.headers };
      if (init.token !== null) headers[TOKEN_HEADER] = init.token ?? stack.token;
      return fetch(stack.url, { method: "POST", headers, body: init.body });
    },
  };
}

/** The program's settings as it read them, for a stack whose program has this project's config. */
export function settingsOf(stack: LocalStack): MailerSettings {
  return parseSettings((key) => stack.config[`${stack.projectName}:${key}`]);
}

export const authorizerCalls = (logs: string[]) =>
  logs.filter((line) => line.startsWith("[authorizer] {")).length;
