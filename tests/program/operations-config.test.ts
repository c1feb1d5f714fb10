// The operations config keys (WAF, reserved concurrency, access logs, alarms): a bad value fails
// the program before any resource exists, naming the key, the value, the rule (WAF's documented
// minimum, CloudWatch's retention choices) and the fix; the defaults are Pulumi.yaml's.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import * as pulumi from "@pulumi/pulumi";
import { OPERATIONS_DEFAULTS, OPERATIONS_KEYS, WAF_MIN_RATE_LIMIT } from "../../infra/settings";
import { PROJECT_DIR, prodConfig, readSettingsWith } from "../harness/pulumi";

describe("bad values fail with the key, the rule and the fix", () => {
  it.each([
    [
      "a per-IP limit below WAF's minimum",
      { perIpRateLimit: "9" },
      /perIpRateLimit: "9" must be a whole number from 10 to 2000000000 \(AWS WAF's rate-based rules count at least 10 requests per source IP per 5 minutes\)\. Fix: pulumi config set perIpRateLimit 10 \(or 0 to turn it off\)/,
    ],
    [
      "a negative per-IP limit",
      { perIpRateLimit: "-5" },
      /perIpRateLimit: "-5" must be a whole number from 10 to 2000000000 \(AWS WAF's rate-based rules count at least 10 requests per source IP per 5 minutes\)\. Fix: pulumi config set perIpRateLimit 10 \(or 0 to turn it off\)$/,
    ],
    [
      "a fractional per-IP limit",
      { perIpRateLimit: "12.5" },
      /perIpRateLimit: "12\.5" must be a whole number from 10 to 2000000000 \(AWS WAF's rate-based rules count at least 10 requests per source IP per 5 minutes\)\. Fix: pulumi config set perIpRateLimit 13 \(or 0 to turn it off\)$/,
    ],
    [
      "a per-IP limit in words",
      { perIpRateLimit: "lots" },
      /perIpRateLimit: "lots" must be a whole number from 10 to 2000000000 \(AWS WAF's rate-based rules count at least 10 requests per source IP per 5 minutes\)\. Fix: pulumi config set perIpRateLimit 10 \(or 0 to turn it off\)$/,
    ],
    [
      "a negative reservation",
      { mailerConcurrency: "-1" },
      /mailerConcurrency: "-1" must be a whole number from 1 to 10000 \(a reservation of 0 would stop the function.*\)\. Fix: pulumi config set mailerConcurrency 1 \(or 0 to turn it off\)$/,
    ],
    [
      "a fractional reservation",
      { authorizerConcurrency: "1.5" },
      /authorizerConcurrency: "1\.5" must be a whole number from 1 to 10000 \(.*\)\. Fix: pulumi config set authorizerConcurrency 2 \(or 0 to turn it off\)$/,
    ],
    [
      "a retention CloudWatch does not accept",
      { accessLogRetentionDays: "45" },
      /accessLogRetentionDays: 45 is not a retention CloudWatch Logs accepts \(1, 3, 5, 7, 14, 30, 60.*\)\. Fix: pulumi config set accessLogRetentionDays 30/,
    ],
    [
      "a retention of 0",
      { accessLogRetentionDays: "0" },
      /accessLogRetentionDays: "0" must be a whole number from 1 to 3653\. Fix: pulumi config set accessLogRetentionDays 1$/,
    ],
    [
      "an alarm email that is no address",
      { alarmEmail: "ops at example" },
      /alarmEmail: "ops at example" is not a valid email address\. Fix: pulumi config set alarmEmail/,
    ],
    [
      "a quota percentage over 100",
      { alarmQuotaPercent: "120" },
      /alarmQuotaPercent: "120" must be a whole number from 1 to 100\. Fix: pulumi config set alarmQuotaPercent 100$/,
    ],
    [
      "a client-error threshold of 0",
      { alarmClientErrors: "0" },
      /alarmClientErrors: "0" must be a whole number from 1 to 1000000\. Fix: pulumi config set alarmClientErrors 1$/,
    ],
    [
      "a server-error threshold of 0",
      { alarmServerErrors: "0" },
      /alarmServerErrors: "0" must be a whole number from 1 to 1000000\. Fix: pulumi config set alarmServerErrors 1$/,
    ],
    [
      "a logging-role switch that is not a boolean",
      { manageApiGatewayLogRole: "maybe" },
      /manageApiGatewayLogRole: "maybe" must be true or false\. Fix: pulumi config set manageApiGatewayLogRole false/,
    ],
  ])("%s", async (_label, config, message) => {
    const failure = readSettingsWith(config);
    await expect(failure).rejects.toThrow(message);
    await expect(failure).rejects.toBeInstanceOf(pulumi.RunError);
  });
});

describe("unset or 0 turns an option off; set values are read", () => {
  it("reads the prod stack's per-IP limit and leaves the other options off", async () => {
    const settings = await readSettingsWith({});
    expect(settings.perIpRateLimit).toBe(Number(prodConfig.values["mailer-api:perIpRateLimit"]));
    expect(settings).not.toHaveProperty("authorizerConcurrency");
    expect(settings).not.toHaveProperty("mailerConcurrency");
    expect(settings).not.toHaveProperty("alarmEmail");
    expect(settings).toMatchObject({
      accessLogRetentionDays: 30,
      manageApiGatewayLogRole: true,
      alarmQuotaPercent: 80,
      alarmClientErrors: 50,
      alarmServerErrors: 1,
    });
  });

  it("takes WAF's minimum itself, and 0 as off", async () => {
    expect(
      (await readSettingsWith({ perIpRateLimit: String(WAF_MIN_RATE_LIMIT) })).perIpRateLimit,
    ).toBe(WAF_MIN_RATE_LIMIT);
    expect(await readSettingsWith({ perIpRateLimit: "0" })).not.toHaveProperty("perIpRateLimit");
    expect(await readSettingsWith({ perIpRateLimit: "" })).not.toHaveProperty("perIpRateLimit");
  });

  it("reads reservations, retention and the alarm email", async () => {
    const settings = await readSettingsWith({
      authorizerConcurrency: "4",
      mailerConcurrency: "2",
      accessLogRetentionDays: "90",
      alarmEmail: " ops@example.com ",
      manageApiGatewayLogRole: "false",
    });
    expect(settings).toMatchObject({
      authorizerConcurrency: 4,
      mailerConcurrency: 2,
      accessLogRetentionDays: 90,
      alarmEmail: "ops@example.com",
      manageApiGatewayLogRole: false,
    });
  });
});

describe("Pulumi.yaml declares every new key, off or with its documented default", () => {
  const project = parse(readFileSync(join(PROJECT_DIR, "Pulumi.yaml"), "utf8")) as {
    config: Record<string, { type?: string; description?: string; default?: unknown }>;
  };

  it.each([...OPERATIONS_KEYS])("declares %s with a type, a default and a description", (key) => {
    const declaration = project.config[key];
    expect(declaration).toBeDefined();
    expect(["string", "integer", "boolean"]).toContain(declaration.type);
    // A default keeps the key optional for the CLI: a declared key without one is required.
    expect(declaration).toHaveProperty("default");
    expect(declaration.description?.length).toBeGreaterThan(20);
  });

  // The program's fallbacks serve programs whose Pulumi.yaml does not declare these keys (the
  // fixtures); for this project they must say what Pulumi.yaml says, or the CLI and the code disagree.
  it.each(Object.entries(OPERATIONS_DEFAULTS))(
    "defaults %s to %s, as in the code",
    (key, value) => {
      expect(project.config[key].default).toBe(value);
    },
  );

  it("leaves every other key off by default (0, empty or none)", () => {
    const others = OPERATIONS_KEYS.filter((key) => !(key in OPERATIONS_DEFAULTS));
    expect(others.map((key) => [key, project.config[key].default])).toEqual(
      others.map((key) => [key, key === "alarmEmail" ? "" : key === "botChallenge" ? "none" : 0]),
    );
  });
});
