// The bill of the abuse protections in docs/abuse-resistance.md, computed by
// tools/docs/protection-prices.ts from the prod settings: a normal month (the daily quota for 30 days)
// and a month with a flood of 10 million requests.
import { parse } from "yaml";
import { monthlyProtectionCost, totalDollars, type CostLine } from "./protection-prices";
import { PROJECT_NAME, parseOperationsSettings } from "../../infra/settings";
import { table, wrap } from "./markdown";

export const FLOOD_REQUESTS = 10_000_000;
const dollars = (value: number) => `$${value.toFixed(2)}`;

export function protectionCostText(prodYaml: string): string {
  const config = ((parse(prodYaml) as { config?: Record<string, unknown> }).config ?? {}) as Record<
    string,
    unknown
  >;
  const read = (key: string) => {
    const value = config[`${PROJECT_NAME}:${key}`];
    return value === undefined ? undefined : String(value);
  };
  const settings = { ...parseOperationsSettings(read), alarmEmail: "ops@example.com" };
  const quota = Number(read("dailyQuota"));
  const normalMonth = quota * 30;
  const normal = monthlyProtectionCost(settings, normalMonth);
  const flooded = monthlyProtectionCost(settings, FLOOD_REQUESTS);
  const rows = normal.map((line: CostLine, index) => [
    line.item,
    dollars(line.dollars),
    dollars(flooded[index].dollars),
  ]);
  const paragraph = (text: string) => wrap(text, 100).join("\n");
  return [
    paragraph(
      `A normal month is the prod quota, ${quota} × 30 = ${normalMonth.toLocaleString("en-US")} ` +
        `requests; the second column is a month in which someone sends ` +
        `${FLOOD_REQUESTS / 1e6} million requests (WAF and the access log see them all; the quota ` +
        `still caps the emails):`,
    ),
    table(["item", "normal month", `${FLOOD_REQUESTS / 1e6} million requests`], rows),
    paragraph(
      `About **${dollars(totalDollars(normal))} a month** normally, ` +
        `**${dollars(totalDollars(flooded))}** under that flood.`,
    ),
  ].join("\n\n");
}
