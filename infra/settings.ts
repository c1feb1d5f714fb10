// The one place that turns raw config strings into typed, validated settings. The Pulumi program
// (infra/config.ts), the local stack and the offline policy check all go through it, so a value
// that `pulumi preview` would refuse is refused everywhere, with the same message.
import { isEmailAddress } from "../handlers/email-address";

export const PROJECT_NAME = "mailer-api";

/** Every non-secret setting, typed. Secrets (authToken, previousAuthToken) are handled apart. */
export interface MailerSettings {
  /** Verified SES sender, the From of every email. */
  mailFrom: string;
  /** Fixed recipient(s); callers can never choose them. */
  mailTo: string[];
  /** "*" or one origin (scheme://host[:port]) allowed by CORS. */
  allowedOrigin: string;
  /** Steady-state requests per second admitted by the prod stage. */
  rateLimit: number;
  /** Requests the stage admits at once (token bucket size). */
  burstLimit: number;
  /** Requests per day before the usage plan answers 429 (the fail-safe). */
  dailyQuota: number;
  /** Seconds API Gateway caches an authorizer decision per token; 0 turns caching off. */
  authorizerCacheTtl: number;
}

export const SETTING_KEYS = [
  "mailFrom",
  "mailTo",
  "allowedOrigin",
  "rateLimit",
  "burstLimit",
  "dailyQuota",
  "authorizerCacheTtl",
] as const;
export const SECRET_KEYS = ["authToken", "previousAuthToken"] as const;

export const MIN_AUTH_TOKEN_LENGTH = 32;
const MIN_AUTH_TOKEN_DISTINCT_CHARACTERS = 10;
const MAX_AUTH_TOKEN_LENGTH = 512;
const MAX_RECIPIENTS = 50;
// API Gateway's own ceilings: the account-level default throttle and the authorizer cache TTL.
export const MAX_RATE_LIMIT = 10000;
export const MAX_BURST_LIMIT = 5000;
export const MAX_AUTHORIZER_CACHE_TTL = 3600;

export class ConfigError extends Error {
  constructor(
    readonly key: string,
    problem: string,
    fix: string,
  ) {
    super(`Invalid config ${PROJECT_NAME}:${key}: ${problem}. Fix: ${fix}`);
    this.name = "ConfigError";
  }
}

type ReadSetting = (key: (typeof SETTING_KEYS)[number]) => string | undefined;

export function parseSettings(read: ReadSetting): MailerSettings {
  const mailFrom = requireValue(read, "mailFrom", "website@example.com");
  if (!isEmailAddress(mailFrom)) {
    throw new ConfigError(
      "mailFrom",
      `"${mailFrom}" is not a valid email address`,
      "pulumi config set mailFrom website@your-domain.com",
    );
  }
  const mailTo = requireValue(read, "mailTo", "owner@your-domain.com")
    .split(",")
    .map((address) => address.trim());
  const badRecipient = mailTo.find((address) => !isEmailAddress(address));
  if (badRecipient !== undefined) {
    throw new ConfigError(
      "mailTo",
      `"${badRecipient}" is not a valid email address`,
      'pulumi config set mailTo "owner@your-domain.com" (several: comma-separated)',
    );
  }
  if (mailTo.length > MAX_RECIPIENTS) {
    throw new ConfigError(
      "mailTo",
      `${mailTo.length} recipients, SES allows at most ${MAX_RECIPIENTS}`,
      "list fewer recipients",
    );
  }
  const allowedOrigin = requireValue(read, "allowedOrigin", "https://www.your-domain.com");
  if (!isOrigin(allowedOrigin)) {
    throw new ConfigError(
      "allowedOrigin",
      `"${allowedOrigin}" is neither "*" nor an origin such as https://www.example.com (scheme and host, no path)`,
      "pulumi config set allowedOrigin https://www.your-domain.com",
    );
  }
  const rateLimit = readNumber(read, "rateLimit", { integer: true, min: 1, max: MAX_RATE_LIMIT });
  const burstLimit = readNumber(read, "burstLimit", {
    integer: true,
    min: 1,
    max: MAX_BURST_LIMIT,
  });
  if (burstLimit < rateLimit) {
    throw new ConfigError(
      "burstLimit",
      `${burstLimit} is below rateLimit (${rateLimit}): the burst must hold at least one second of traffic`,
      `pulumi config set burstLimit ${Math.ceil(rateLimit)}`,
    );
  }
  const dailyQuota = readNumber(read, "dailyQuota", { integer: true, min: 1 });
  const authorizerCacheTtl = readNumber(read, "authorizerCacheTtl", {
    integer: true,
    min: 0,
    max: MAX_AUTHORIZER_CACHE_TTL,
    zeroAllowed: true,
  });
  return {
    mailFrom,
    mailTo,
    allowedOrigin,
    rateLimit,
    burstLimit,
    dailyQuota,
    authorizerCacheTtl,
  };
}

/** Checks a token read from a secret config key; returns it unchanged. Never echoes the value. */
export function validateAuthToken(key: (typeof SECRET_KEYS)[number], token: string): string {
  if (token.length < MIN_AUTH_TOKEN_LENGTH) {
    throw new ConfigError(
      key,
      `the token has ${token.length} characters, at least ${MIN_AUTH_TOKEN_LENGTH} are required`,
      `pulumi config set --secret ${key} "$(openssl rand -hex 32)"`,
    );
  }
  if (token.length > MAX_AUTH_TOKEN_LENGTH || !/^[\x21-\x7e]+$/.test(token)) {
    throw new ConfigError(
      key,
      `the token must be at most ${MAX_AUTH_TOKEN_LENGTH} printable ASCII characters with no spaces (it travels in an HTTP header)`,
      `pulumi config set --secret ${key} "$(openssl rand -hex 32)"`,
    );
  }
  // Length alone does not make a token hard to guess: refuse the obviously weak ones (one
  // repeated character, a short pattern). openssl rand -hex 32 gives 256 bits, 16 distinct digits.
  const distinct = new Set(token).size;
  if (distinct < MIN_AUTH_TOKEN_DISTINCT_CHARACTERS) {
    throw new ConfigError(
      key,
      `the token is too weak: ${distinct} distinct characters, at least ${MIN_AUTH_TOKEN_DISTINCT_CHARACTERS} are required (a token needs at least 128 bits of entropy)`,
      `pulumi config set --secret ${key} "$(openssl rand -hex 32)"`,
    );
  }
  return token;
}

function requireValue(read: ReadSetting, key: (typeof SETTING_KEYS)[number], example: string) {
  const value = read(key)?.trim();
  if (value === undefined || value === "") {
    throw new ConfigError(key, "it is not set", `pulumi config set ${key} ${example}`);
  }
  return value;
}

function readNumber(
  read: ReadSetting,
  key: "rateLimit" | "burstLimit" | "dailyQuota" | "authorizerCacheTtl",
  rule: { integer: boolean; min: number; max?: number; zeroAllowed?: boolean },
): number {
  const raw = requireValue(read, key, "10");
  const value = Number(raw);
  const kind = rule.integer ? "a whole number" : "a number";
  const range =
    rule.max === undefined
      ? rule.zeroAllowed
        ? "0 or more"
        : "above 0"
      : `${rule.zeroAllowed ? "from 0" : `above ${rule.min === 0 ? 0 : rule.min - 1}`} to ${rule.max}`;
  const valid =
    raw !== "" &&
    Number.isFinite(value) &&
    (!rule.integer || Number.isInteger(value)) &&
    (rule.zeroAllowed ? value >= 0 : value > 0 && value >= rule.min) &&
    (rule.max === undefined || value <= rule.max);
  if (!valid) {
    throw new ConfigError(
      key,
      `"${raw}" must be ${kind} ${range}`,
      `pulumi config set ${key} <${kind} ${range}>`,
    );
  }
  return value;
}

function isOrigin(value: string): boolean {
  if (value === "*") return true;
  try {
    const url = new URL(value);
    return (
      (url.protocol === "https:" || url.protocol === "http:") &&
      url.origin === value.replace(/\/$/, "") &&
      !value.endsWith("/")
    );
  } catch {
    return false;
  }
}
