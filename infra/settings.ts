// The one place that turns raw config strings into typed, validated settings. The Pulumi program
// reads its config through it (infra/config.ts), so the local stack and the offline policy check,
// which run the program, refuse what `pulumi preview` would refuse, with the same message. The
// local stack also checks AUTH_TOKEN with validateAuthToken; `npm run docs` and `npm run bench`
// read the prod stack's settings through it. Numbers are read by one reader, `wholeNumber`.
import {
  MAX_AUTH_TOKEN_LENGTH,
  MIN_AUTH_TOKEN_LENGTH,
  usesTokenAlphabet,
} from "../contracts/token";
import { isEmailAddress } from "../contracts/email-address";

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

const MIN_AUTH_TOKEN_DISTINCT_CHARACTERS = 10;
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
  const rateLimit = wholeNumber(read, "rateLimit", { min: 1, max: MAX_RATE_LIMIT });
  const burstLimit = wholeNumber(read, "burstLimit", { min: 1, max: MAX_BURST_LIMIT });
  if (burstLimit < rateLimit) {
    throw new ConfigError(
      "burstLimit",
      `${burstLimit} is below rateLimit (${rateLimit}): the burst must hold at least one second of traffic`,
      `pulumi config set burstLimit ${Math.ceil(rateLimit)}`,
    );
  }
  const dailyQuota = wholeNumber(read, "dailyQuota", { min: 1 });
  const authorizerCacheTtl = wholeNumber(read, "authorizerCacheTtl", {
    min: 0,
    max: MAX_AUTHORIZER_CACHE_TTL,
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
  if (token.length > MAX_AUTH_TOKEN_LENGTH || !usesTokenAlphabet(token)) {
    throw new ConfigError(
      key,
      `the token must be at most ${MAX_AUTH_TOKEN_LENGTH} printable ASCII characters with no spaces (it travels in an HTTP header)`,
      `pulumi config set --secret ${key} "$(openssl rand -hex 32)"`,
    );
  }
  // Length alone does not make a token hard to guess, and no check can measure a token's
  // randomness: this one only refuses the obviously weak (one repeated character, a pattern of
  // few characters). openssl rand -hex 32 gives 256 bits in 16 distinct digits.
  const distinct = new Set(token).size;
  if (distinct < MIN_AUTH_TOKEN_DISTINCT_CHARACTERS) {
    throw new ConfigError(
      key,
      `the token has only ${distinct} distinct characters; at least ${MIN_AUTH_TOKEN_DISTINCT_CHARACTERS} are required (this catches only obviously weak tokens: make a random one)`,
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

// ---- Abuse resistance and operations: optional protections, each off when unset or 0 ----

/** AWS WAF's documented bounds for a rate-based rule's limit, and the window this program uses. */
export const WAF_MIN_RATE_LIMIT = 10;
export const WAF_MAX_RATE_LIMIT = 2_000_000_000;
export const WAF_EVALUATION_WINDOW_SECONDS = 300;
/** The retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_CHOICES = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
] as const;

/** What the web ACL asks of a POST (docs/abuse-resistance.md). */
export const BOT_CHALLENGES = ["none", "challenge", "captcha"] as const;
export type BotChallenge = (typeof BOT_CHALLENGES)[number];

/**
 * The per-IP limit on POSTs when a bot challenge is on: half the all-methods limit, since a
 * message costs a person one POST and at most one preflight. perIpRateLimit must then be at
 * least twice WAF's minimum.
 */
export function postRateLimit(perIpRateLimit: number): number {
  return Math.floor(perIpRateLimit / 2);
}

export interface OperationsSettings {
  /** Requests per source IP per 5 minutes before AWS WAF blocks it; undefined: no web ACL. */
  perIpRateLimit?: number;
  /** An AWS WAF Challenge or CAPTCHA for POSTs ("none": off); needs the web ACL. */
  botChallenge: BotChallenge;
  /** Reserved concurrency of the authorizer Lambda; undefined: no reservation. */
  authorizerConcurrency?: number;
  /** Reserved concurrency of the mailer Lambda; undefined: no reservation. */
  mailerConcurrency?: number;
  /** Days the stage's access log group keeps its entries. */
  accessLogRetentionDays: number;
  /** Declare the region's API Gateway logging role (false: the account already has one). */
  manageApiGatewayLogRole: boolean;
  /** Where alarm notifications go; undefined: no alarms. */
  alarmEmail?: string;
  /** Percentage of the daily quota used in the last 24 hours that raises the quota alarm. */
  alarmQuotaPercent: number;
  /** 4xx answers (401, 403, 429...) per 5 minutes that raise the client-error alarm. */
  alarmClientErrors: number;
  /** 5xx answers, and failed SES sends, per 5 minutes that raise their alarms. */
  alarmServerErrors: number;
}

export const OPERATIONS_KEYS = [
  "perIpRateLimit",
  "botChallenge",
  "authorizerConcurrency",
  "mailerConcurrency",
  "accessLogRetentionDays",
  "manageApiGatewayLogRole",
  "alarmEmail",
  "alarmQuotaPercent",
  "alarmClientErrors",
  "alarmServerErrors",
] as const;
type OperationsKey = (typeof OPERATIONS_KEYS)[number];
type ReadOperationsSetting = (key: OperationsKey) => string | undefined;

/**
 * The operations settings' defaults for a program whose Pulumi.yaml does not declare them (the
 * test fixtures' programs). The CLI gives this project's program Pulumi.yaml's defaults, and
 * tests/program/operations-config.test.ts proves these equal to them.
 */
export const OPERATIONS_DEFAULTS = {
  accessLogRetentionDays: 30,
  manageApiGatewayLogRole: true,
  alarmQuotaPercent: 80,
  alarmClientErrors: 50,
  alarmServerErrors: 1,
} as const;

export function parseOperationsSettings(read: ReadOperationsSetting): OperationsSettings {
  const perIpRateLimit = wholeNumber(read, "perIpRateLimit", {
    min: WAF_MIN_RATE_LIMIT,
    max: WAF_MAX_RATE_LIMIT,
    offAtZero: true,
    why: `AWS WAF's rate-based rules count at least ${WAF_MIN_RATE_LIMIT} requests per source IP per ${WAF_EVALUATION_WINDOW_SECONDS / 60} minutes`,
  });
  const botChallenge = readBotChallenge(read, perIpRateLimit);
  const concurrency = (key: "authorizerConcurrency" | "mailerConcurrency") =>
    wholeNumber(read, key, {
      min: 1,
      max: 10_000,
      offAtZero: true,
      why: "a reservation of 0 would stop the function; leave it at 0 (or unset) for no reservation",
    });
  const retention = wholeNumber(read, "accessLogRetentionDays", { min: 1, max: 3653 });
  if (!(LOG_RETENTION_CHOICES as readonly number[]).includes(retention)) {
    throw new ConfigError(
      "accessLogRetentionDays",
      `${retention} is not a retention CloudWatch Logs accepts (${LOG_RETENTION_CHOICES.join(", ")})`,
      "pulumi config set accessLogRetentionDays 30",
    );
  }
  const manageRole =
    read("manageApiGatewayLogRole")?.trim() || String(OPERATIONS_DEFAULTS.manageApiGatewayLogRole);
  if (manageRole !== "true" && manageRole !== "false") {
    throw new ConfigError(
      "manageApiGatewayLogRole",
      `"${manageRole}" must be true or false`,
      "pulumi config set manageApiGatewayLogRole false (when the account already has the role)",
    );
  }
  const alarmEmail = read("alarmEmail")?.trim() || undefined;
  if (alarmEmail !== undefined && !isEmailAddress(alarmEmail)) {
    throw new ConfigError(
      "alarmEmail",
      `"${alarmEmail}" is not a valid email address`,
      "pulumi config set alarmEmail ops@your-domain.com (or pulumi config rm alarmEmail for no alarms)",
    );
  }
  return {
    ...(perIpRateLimit === undefined ? {} : { perIpRateLimit }),
    botChallenge,
    ...withValue("authorizerConcurrency", concurrency("authorizerConcurrency")),
    ...withValue("mailerConcurrency", concurrency("mailerConcurrency")),
    accessLogRetentionDays: retention,
    manageApiGatewayLogRole: manageRole === "true",
    ...(alarmEmail === undefined ? {} : { alarmEmail }),
    alarmQuotaPercent: wholeNumber(read, "alarmQuotaPercent", { min: 1, max: 100 }),
    alarmClientErrors: wholeNumber(read, "alarmClientErrors", { min: 1, max: 1_000_000 }),
    alarmServerErrors: wholeNumber(read, "alarmServerErrors", { min: 1, max: 1_000_000 }),
  };
}

function readBotChallenge(read: ReadOperationsSetting, perIp: number | undefined): BotChallenge {
  const raw = read("botChallenge")?.trim() || "none";
  const value = BOT_CHALLENGES.find((choice) => choice === raw);
  if (value === undefined) {
    throw new ConfigError(
      "botChallenge",
      `"${raw}" must be none, challenge or captcha`,
      "pulumi config set botChallenge challenge (or none)",
    );
  }
  const needed = 2 * WAF_MIN_RATE_LIMIT;
  if (value !== "none" && (perIp === undefined || perIp < needed)) {
    throw new ConfigError(
      "botChallenge",
      `${value} needs the web ACL with perIpRateLimit at least ${needed} (POSTs get half of it, and WAF's minimum is ${WAF_MIN_RATE_LIMIT}); perIpRateLimit is ${perIp ?? "off"}`,
      `pulumi config set perIpRateLimit ${needed} (or pulumi config set botChallenge none)`,
    );
  }
  return value;
}

/**
 * A bot challenge needs a named site: AWS WAF accepts a token made on the page's domain only when
 * the web ACL lists that domain, and a CAPTCHA API key is made for named domains.
 */
export function checkBotChallengeOrigin(botChallenge: BotChallenge, allowedOrigin: string): void {
  if (botChallenge !== "none" && allowedOrigin === "*") {
    throw new ConfigError(
      "botChallenge",
      `${botChallenge} needs allowedOrigin set to your site's origin, not "*" (AWS WAF accepts the page's tokens only for the domains the web ACL names)`,
      "pulumi config set allowedOrigin https://www.your-shop.example (or pulumi config set botChallenge none)",
    );
  }
}

function withValue<K extends string>(key: K, value: number | undefined) {
  return (value === undefined ? {} : { [key]: value }) as Partial<Record<K, number>>;
}

interface WholeNumberRule {
  min: number;
  /** No maximum: any whole number from `min` up. */
  max?: number;
  /** Unset, or 0, turns the option off: the reader gives undefined. */
  offAtZero?: boolean;
  /** Why the range is what it is, said in the message. */
  why?: string;
}

/**
 * The one number reader: a whole number in the rule's range. Unset, it is the key's default (or
 * off, or refused as not set); a bad value is refused with the key, the value, the range and a
 * fix naming the nearest valid value.
 */
function wholeNumber<K extends string>(
  read: (key: K) => string | undefined,
  key: K,
  rule: WholeNumberRule & { offAtZero: true },
): number | undefined;
function wholeNumber<K extends string>(
  read: (key: K) => string | undefined,
  key: K,
  rule: WholeNumberRule,
): number;
function wholeNumber<K extends string>(
  read: (key: K) => string | undefined,
  key: K,
  rule: WholeNumberRule,
): number | undefined {
  const fallback = (OPERATIONS_DEFAULTS as Record<string, unknown>)[key];
  const raw = read(key)?.trim() || (fallback === undefined ? "" : String(fallback));
  if (rule.offAtZero && (raw === "" || raw === "0")) return undefined;
  const range =
    rule.max === undefined ? `of at least ${rule.min}` : `from ${rule.min} to ${rule.max}`;
  if (raw === "") {
    throw new ConfigError(
      key,
      "it is not set",
      `pulumi config set ${key} <a whole number ${range}>`,
    );
  }
  const value = Number(raw);
  const inRange = value >= rule.min && (rule.max === undefined || value <= rule.max);
  if (Number.isInteger(value) && inRange) return value;
  const nearest = Number.isFinite(value)
    ? Math.min(Math.max(Math.round(value), rule.min), rule.max ?? Infinity)
    : rule.min;
  throw new ConfigError(
    key,
    `"${raw}" must be a whole number ${range}${rule.why ? ` (${rule.why})` : ""}`,
    `pulumi config set ${key} ${nearest}${rule.offAtZero ? " (or 0 to turn it off)" : ""}`,
  );
}
