// Load on the local stack over loopback with autocannon: N no-body POSTs at concurrency C, paced
// over about T seconds, against the real bundled handlers and the local SES. Checks the gateway's
// promises under load: 200s never above burst + rate x T, the daily quota nor the per-IP limit
// (all the load comes from one address), everything else 429 (throttle, quota) or 403 (the WAF's
// per-IP rule), no 5xx, and exactly one email in the store per 200 (none lost, none duplicated).
import { TOKEN_HEADER } from "../../contracts/token";
import { parseOperationsSettings, parseSettings, type MailerSettings } from "../../infra/settings";
import { startLocalStack } from "../local-stack/start-local-stack";

type LimitSettings = Pick<
  MailerSettings,
  "rateLimit" | "burstLimit" | "dailyQuota" | "authorizerCacheTtl"
> & { perIpRateLimit?: number };

export const title = "Local stack under load (autocannon, loopback)";

// autocannon ships no types; this is the part of its API used here.
interface AutocannonResult {
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
  latency: { p50: number; p99: number; max: number };
}
type Autocannon = (
  options: Record<string, unknown>,
  done: (error: Error | null, result: AutocannonResult) => void,
) => { stop(): void };
const autocannon = require("autocannon") as Autocannon;

export interface LoadScenario {
  label: string;
  requests: number;
  connections: number;
  /** Requests per second offered by all connections together. */
  offeredRate: number;
  /** Limits other than the prod stack's, to reach the quota within seconds. */
  limits?: Partial<LimitSettings>;
}

export interface LoadFigures {
  scenario: LoadScenario;
  limits: LimitSettings;
  seconds: number;
  statuses: Record<number, number>;
  ok: number;
  throttled: number;
  /** The 429s by cause: the token bucket, or the daily quota. */
  refusals: { throttled: number; quotaExceeded: number };
  /** The 403s of the WAF's per-IP rate rule, and how many the gateway logged as such. */
  blocked: number;
  blockedByWaf: number;
  serverErrors: number;
  otherStatuses: number;
  clientErrors: number;
  /** min(burst + rate x T, quota, per-IP limit): the most 200s the gateway may give. */
  ceiling: number;
  emails: number;
  uniqueRequestIds: number;
  latencyMs: { p50: number; p99: number; max: number };
}

export const SCENARIOS: LoadScenario[] = [
  // The prod stack's own limits (Pulumi.prod.yaml): the throttle decides.
  { label: "prod limits", requests: 200, connections: 10, offeredRate: 60 },
  // A small quota with a generous throttle and no per-IP rule (0 turns it off), so that one
  // client can reach the quota: the daily quota decides.
  {
    label: "quota-bound",
    requests: 300,
    connections: 20,
    offeredRate: 120,
    limits: { rateLimit: 20, burstLimit: 20, dailyQuota: 40, perIpRateLimit: 0 },
  },
];

export async function runLoad(scenario: LoadScenario): Promise<LoadFigures> {
  const outcomes = { throttled: 0, quotaExceeded: 0, blockedByWaf: 0 };
  const stack = await startLocalStack({
    port: 0,
    sesPort: 0,
    sitePort: 0,
    config: Object.fromEntries(
      Object.entries(scenario.limits ?? {}).map(([key, value]) => [key, String(value)]),
    ),
    // The gateway's line per request says which rule refused it.
    log: (line) => {
      if (line.includes("-> 429 throttled")) outcomes.throttled += 1;
      else if (line.includes("-> 429 quota-exceeded")) outcomes.quotaExceeded += 1;
      else if (line.includes("-> 403 waf-")) outcomes.blockedByWaf += 1;
    },
  });
  try {
    await stack.ses.clear();
    const started = performance.now();
    const result = await offerLoad(stack, scenario);
    const seconds = (performance.now() - started) / 1000;
    const statuses: Record<number, number> = {};
    for (const [code, { count }] of Object.entries(result.statusCodeStats)) {
      statuses[Number(code)] = count;
    }
    const ok = statuses[200] ?? 0;
    const throttled = statuses[429] ?? 0;
    const blocked = statuses[403] ?? 0;
    const serverErrors = Object.entries(statuses)
      .filter(([code]) => Number(code) >= 500)
      .reduce((sum, [, count]) => sum + count, 0);
    const emails = await stack.ses.inbox();
    // The notification email quotes the request id, so a duplicate would show.
    const requestIds = new Set(
      emails.map((email) => /Request id: (\S+)/.exec(email.body.text ?? "")?.[1] ?? ""),
    );
    requestIds.delete("");
    const readConfig = (key: string) => stack.config[`${stack.projectName}:${key}`];
    const settings = parseSettings(readConfig);
    const { perIpRateLimit } = parseOperationsSettings(readConfig);
    const { rateLimit, burstLimit, dailyQuota, authorizerCacheTtl } = settings;
    return {
      scenario,
      limits: {
        rateLimit,
        burstLimit,
        dailyQuota,
        authorizerCacheTtl,
        perIpRateLimit,
      },
      seconds,
      statuses,
      ok,
      throttled,
      refusals: { throttled: outcomes.throttled, quotaExceeded: outcomes.quotaExceeded },
      blocked,
      blockedByWaf: outcomes.blockedByWaf,
      serverErrors,
      otherStatuses: scenario.requests - ok - throttled - blocked - serverErrors,
      clientErrors: result.errors + result.timeouts,
      // The WAF's window (minutes) outlasts the run, so one address gets at most one window's worth.
      ceiling: Math.min(
        burstLimit + rateLimit * seconds,
        dailyQuota,
        perIpRateLimit ?? Number.POSITIVE_INFINITY,
      ),
      emails: emails.length,
      uniqueRequestIds: requestIds.size,
      latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    };
  } finally {
    await stack.stop();
  }
}

/** The scenario's requests, sent by autocannon at its offered rate to the local stack. */
function offerLoad(
  stack: { url: string; token: string },
  scenario: LoadScenario,
): Promise<AutocannonResult> {
  return new Promise<AutocannonResult>((resolve, reject) => {
    autocannon(
      {
        url: stack.url,
        method: "POST",
        headers: { [TOKEN_HEADER]: stack.token },
        connections: scenario.connections,
        amount: scenario.requests,
        overallRate: scenario.offeredRate,
        // A hard stop whatever happens: the run is bounded in time as well as in count.
        duration: Math.ceil(scenario.requests / scenario.offeredRate) + 10,
        timeout: 10,
      },
      (error, output) => (error ? reject(error) : resolve(output)),
    );
  });
}

export async function run(): Promise<string> {
  {
    const rows = [
      "| scenario | rate / burst / quota / per-IP | N at C (offered/s) | T | 200 | ceiling min(burst + rate×T, quota, per-IP) | 429 (throttle + quota) | 403 (WAF) | 5xx | emails (unique) | p50 / p99 latency |",
      "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ];
    for (const scenario of SCENARIOS) {
      const f = await runLoad(scenario);
      rows.push(
        `| ${scenario.label} | ${f.limits.rateLimit}/s / ${f.limits.burstLimit} / ${f.limits.dailyQuota} / ${f.limits.perIpRateLimit ?? "off"} | ` +
          `${scenario.requests} at ${scenario.connections} (${scenario.offeredRate}) | ${f.seconds.toFixed(2)} s | ` +
          `${f.ok} | ${f.ceiling.toFixed(1)} | ${f.throttled} (${f.refusals.throttled} + ${f.refusals.quotaExceeded}) | ${f.blocked} | ${f.serverErrors} | ${f.emails} (${f.uniqueRequestIds}) | ` +
          `${f.latencyMs.p50} / ${f.latencyMs.p99} ms |`,
      );
    }
    return [
      "No-body POSTs with the right token, real bundled handlers, real local SES; every 200 must",
      "leave exactly one email in the store.",
      "",
      ...rows,
    ].join("\n");
  }
}
