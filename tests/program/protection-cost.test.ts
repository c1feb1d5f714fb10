// The cost table of docs/abuse-resistance.md is computed, not typed: this recomputes it from the
// real prod settings (npm run docs writes it; tests/docs/generated.test.ts keeps it current).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseOperationsSettings } from "../../infra/settings";
import {
  ACCESS_LOG_LINE_BYTES,
  monthlyProtectionCost,
  totalDollars,
} from "../../tools/docs/protection-prices";
import { PROJECT_DIR, prodConfig, prodValue } from "../harness/pulumi";

const page = readFileSync(join(PROJECT_DIR, "docs", "abuse-resistance.md"), "utf8").replace(
  / +/g,
  " ",
);
const dollars = (value: number) => `$${value.toFixed(2)}`;

const prod = parseOperationsSettings((key) => prodConfig.values[`mailer-api:${key}`]);
const withAlarms = { ...prod, alarmEmail: "ops@example.com" };
const normalMonth = Number(prodValue("dailyQuota")) * 30;
const flood = 10_000_000;

it("states each line of the table for the prod settings, in a normal month and a flood", () => {
  const normal = monthlyProtectionCost(withAlarms, normalMonth);
  const flooded = monthlyProtectionCost(withAlarms, flood);
  expect(normal.map((line) => line.item)).toEqual(flooded.map((line) => line.item));
  expect(normal.map((line) => line.item)).toContain("WAF web ACL");
  normal.forEach((line, index) => {
    expect(page).toContain(
      `| ${line.item} | ${dollars(line.dollars)} | ${dollars(flooded[index].dollars)} |`,
    );
  });
  expect(page).toContain(`About **${dollars(totalDollars(normal))} a month** normally`);
  expect(page).toContain(`**${dollars(totalDollars(flooded))}** under that flood`);
  expect(page).toContain(`500 × 30 = ${normalMonth.toLocaleString("en-US")} requests`);
});

it("costs nothing fixed without the web ACL and alarms", () => {
  const lines = monthlyProtectionCost({}, normalMonth);
  expect(lines.map((line) => line.item)).toEqual(["Access log ingestion"]);
  expect(totalDollars(lines)).toBeLessThan(0.01);
  expect(totalDollars(monthlyProtectionCost({ alarmEmail: "a@example.com" }, 0)).toFixed(2)).toBe(
    "0.70",
  );
});

it("sizes an access log line from the log format's own fields", () => {
  expect(ACCESS_LOG_LINE_BYTES).toBeGreaterThan(300);
  expect(ACCESS_LOG_LINE_BYTES).toBeLessThan(1000);
});
