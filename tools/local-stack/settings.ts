// What the local stack reads besides the program: the environment of `npm start` (ports, token,
// origin) and the stack config it hands the program (its site's origin and its token over the
// stack file's values, as `pulumi config set` would).
import { randomBytes } from "node:crypto";
import { MAX_AUTH_TOKEN_LENGTH, MIN_AUTH_TOKEN_LENGTH } from "../../contracts/token";
import { ConfigError, validateAuthToken } from "../../infra/settings";
import type { StackConfig } from "../stack-config";
import { isSesFault, SES_FAULTS, type SesFault } from "../local-ses-faults";
import { LocalStackError } from "./local-stack-error";

export interface LocalStackEnvironment {
  port: number;
  sesPort: number;
  sitePort: number;
  authToken?: string;
  allowedOrigin?: string;
  /** LOCAL_SES_FAULT: the local SES fails this way until lifted. */
  sesFault?: SesFault;
  /** LOCAL_SES_FAULT_SECONDS: how long the fault lasts (60 s unless set; 0 = until Ctrl-C). */
  sesFaultSeconds: number;
}

/**
 * `npm start`'s variables: PORT, SES_PORT, SITE_PORT, AUTH_TOKEN, ALLOWED_ORIGIN, LOCAL_SES_FAULT,
 * LOCAL_SES_FAULT_SECONDS.
 */
export function readLocalStackEnvironment(env: NodeJS.ProcessEnv): LocalStackEnvironment {
  return {
    port: portFromEnv(env, "PORT", 3000),
    sesPort: portFromEnv(env, "SES_PORT", 8005),
    sitePort: portFromEnv(env, "SITE_PORT", 8080),
    authToken: env.AUTH_TOKEN || undefined,
    allowedOrigin: env.ALLOWED_ORIGIN || undefined,
    sesFault: sesFaultFromEnv(env.LOCAL_SES_FAULT),
    sesFaultSeconds: faultSecondsFromEnv(env.LOCAL_SES_FAULT_SECONDS),
  };
}

function sesFaultFromEnv(raw: string | undefined): SesFault | undefined {
  if (raw === undefined || raw === "") return undefined;
  if (!isSesFault(raw)) {
    throw new LocalStackError(`LOCAL_SES_FAULT="${raw}" is none of ${SES_FAULTS.join(", ")}.`);
  }
  return raw;
}

function faultSecondsFromEnv(raw: string | undefined): number {
  if (raw === undefined || raw === "") return 60;
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 0) {
    throw new LocalStackError(`LOCAL_SES_FAULT_SECONDS="${raw}" is not a whole number of seconds.`);
  }
  return seconds;
}

export interface ProgramConfig {
  /** Values set over the stack file's (fully qualified keys). */
  overrides: Record<string, string>;
  secretKeys: string[];
  /** The stack file's values with the overrides on top. */
  values: Record<string, string>;
}

/**
 * The config the program runs with locally: its allowedOrigin is the local site's origin (unless
 * the caller names one) and its authToken the local token, when the program declares them.
 */
export function localProgramConfig(
  stackConfig: StackConfig,
  options: {
    origin: string;
    token: string;
    allowedOrigin?: string;
    config?: Record<string, string>;
  },
): ProgramConfig {
  const qualify = (key: string) => (key.includes(":") ? key : `${stackConfig.projectName}:${key}`);
  const declares = (key: string) =>
    [
      ...Object.keys(stackConfig.values),
      ...stackConfig.secretKeys,
      ...stackConfig.missingKeys,
    ].includes(qualify(key));
  const overrides: Record<string, string> = {};
  if (declares("allowedOrigin"))
    overrides[qualify("allowedOrigin")] = options.allowedOrigin ?? options.origin;
  for (const [key, value] of Object.entries(options.config ?? {})) overrides[qualify(key)] = value;
  const secretKeys = declares("authToken") ? [qualify("authToken")] : [];
  if (declares("authToken")) overrides[qualify("authToken")] = options.token;
  return { overrides, secretKeys, values: { ...stackConfig.values, ...overrides } };
}

export function localToken(fromEnv: string | undefined): string {
  if (fromEnv === undefined) return randomBytes(32).toString("hex");
  try {
    return validateAuthToken("authToken", fromEnv);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new LocalStackError(
      `AUTH_TOKEN must be ${MIN_AUTH_TOKEN_LENGTH} to ${MAX_AUTH_TOKEN_LENGTH} printable ASCII characters with no spaces, as the deployed ` +
        'token must be. Try: AUTH_TOKEN="$(openssl rand -hex 32)" npm start',
    );
  }
}

function portFromEnv(env: NodeJS.ProcessEnv, variable: string, fallback: number): number {
  const raw = env[variable];
  if (raw === undefined || raw === "") return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new LocalStackError(`${variable}="${raw}" is not a port number (0 to 65535).`);
  }
  return port;
}
