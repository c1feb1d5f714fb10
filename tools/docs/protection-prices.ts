// What issue 11's protections add to the monthly bill, from a stack's settings, at AWS list prices
// (us-east-1, before free tiers; checked 2026-11-25, change them here when AWS does). The cost
// table of docs/abuse-resistance.md is generated from this file (npm run docs).
import { ACCESS_LOG_FIELDS } from "../../infra/access-logs";
import type { OperationsSettings } from "../../infra/settings";

export const LIST_PRICES = {
  wafWebAclPerMonth: 5.0,
  wafRulePerMonth: 1.0,
  wafPerMillionRequests: 0.6,
  cloudwatchAlarmPerMonth: 0.1,
  cloudwatchCustomMetricPerMonth: 0.3,
  cloudwatchLogsPerGbIngested: 0.5,
} as const;

/** Alarms the program declares with a web ACL (four without). */
const ALARMS_WITH_WAF = 5;
/** A typical access log line's values: a throttled request, as most lines of a flood are. */
const TYPICAL_VALUES: Record<keyof typeof ACCESS_LOG_FIELDS, string> = {
  requestId: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
  requestTime: "25/Nov/2026:21:00:00 +0000",
  sourceIp: "203.0.113.200",
  httpMethod: "POST",
  resourcePath: "/",
  status: "429",
  responseType: "THROTTLED",
  errorMessage: "Too Many Requests",
  integrationStatus: "-",
  integrationLatency: "-",
  authorizerStatus: "200",
  authorizerError: "-",
  authorizerLatency: "-",
  wafResponseCode: "WAF_ALLOW",
  responseLatency: "2",
  responseLength: "37",
};

/** Bytes of one access log line (CloudWatch Logs also counts 26 bytes of metadata per event). */
export const ACCESS_LOG_LINE_BYTES = Buffer.byteLength(JSON.stringify(TYPICAL_VALUES)) + 26;

export interface CostLine {
  item: string;
  dollars: number;
}

export function monthlyProtectionCost(
  settings: Pick<OperationsSettings, "perIpRateLimit" | "alarmEmail">,
  requestsPerMonth: number,
): CostLine[] {
  const lines: CostLine[] = [];
  if (settings.perIpRateLimit !== undefined) {
    lines.push(
      { item: "WAF web ACL", dollars: LIST_PRICES.wafWebAclPerMonth },
      { item: "WAF rate-based rule", dollars: LIST_PRICES.wafRulePerMonth },
      {
        item: "WAF requests inspected",
        dollars: (requestsPerMonth / 1e6) * LIST_PRICES.wafPerMillionRequests,
      },
    );
  }
  lines.push({
    item: "Access log ingestion",
    dollars:
      ((requestsPerMonth * ACCESS_LOG_LINE_BYTES) / 1e9) * LIST_PRICES.cloudwatchLogsPerGbIngested,
  });
  if (settings.alarmEmail !== undefined) {
    const alarms = settings.perIpRateLimit === undefined ? ALARMS_WITH_WAF - 1 : ALARMS_WITH_WAF;
    lines.push(
      {
        item: `${alarms} CloudWatch alarms`,
        dollars: alarms * LIST_PRICES.cloudwatchAlarmPerMonth,
      },
      {
        item: "SES-failure custom metric",
        dollars: LIST_PRICES.cloudwatchCustomMetricPerMonth,
      },
    );
  }
  return lines;
}

export const totalDollars = (lines: CostLine[]) =>
  lines.reduce((sum, line) => sum + line.dollars, 0);
