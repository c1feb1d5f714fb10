// A bad config value fails the program (so `pulumi preview` fails) with a message naming the key
// and the fix, and never echoing a secret.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import * as pulumi from "@pulumi/pulumi";
import { SECRET_KEYS, SETTING_KEYS } from "../../infra/settings";
import { PROJECT_DIR, prodConfig, readSettingsWith, runProdStack } from "../harness/pulumi";

const shortToken = "too-short-token";

describe("config errors fail the program with a message naming the key and the fix", () => {
  it.each([
    [
      "a token shorter than 32 characters",
      { "mailer-api:authToken": shortToken },
      /authToken.*at least 32.*Fix: pulumi config set --secret authToken/,
    ],
    [
      "a short previous token",
      { "mailer-api:previousAuthToken": shortToken },
      /previousAuthToken.*at least 32/,
    ],
    [
      "a burst below the rate",
      { "mailer-api:rateLimit": "10", "mailer-api:burstLimit": "5" },
      /burstLimit.*below rateLimit.*Fix: pulumi config set burstLimit 10/,
    ],
    [
      "a rate limit of 0",
      { "mailer-api:rateLimit": "0" },
      /rateLimit: "0" must be a whole number from 1 to 10000\. Fix: pulumi config set rateLimit 1$/,
    ],
    [
      "a rate limit left empty",
      { "mailer-api:rateLimit": " " },
      /rateLimit: it is not set\. Fix: pulumi config set rateLimit <a whole number from 1 to 10000>$/,
    ],
    [
      "a negative rate limit",
      { "mailer-api:rateLimit": "-1" },
      /rateLimit: "-1" must be a whole number from 1 to 10000\. Fix: pulumi config set rateLimit 1$/,
    ],
    [
      "a burst limit of 0",
      { "mailer-api:burstLimit": "0" },
      /burstLimit: "0" must be a whole number from 1 to 5000\. Fix: pulumi config set burstLimit 1$/,
    ],
    [
      "a quota of 0",
      { "mailer-api:dailyQuota": "0" },
      /dailyQuota: "0" must be a whole number of at least 1\. Fix: pulumi config set dailyQuota 1$/,
    ],
    [
      "a fractional quota",
      { "mailer-api:dailyQuota": "1.5" },
      /dailyQuota: "1\.5" must be a whole number of at least 1\. Fix: pulumi config set dailyQuota 2$/,
    ],
    [
      "a cache TTL over an hour",
      { "mailer-api:authorizerCacheTtl": "7200" },
      /authorizerCacheTtl: "7200" must be a whole number from 0 to 3600\. Fix: pulumi config set authorizerCacheTtl 3600$/,
    ],
    [
      "an invalid sender",
      { "mailer-api:mailFrom": "not-an-address" },
      /mailFrom.*not a valid email address.*Fix:/,
    ],
    ["a display-name sender", { "mailer-api:mailFrom": "Shop <shop@example.com>" }, /mailFrom/],
    ["an invalid recipient", { "mailer-api:mailTo": "owner@example.com, nope" }, /mailTo.*"nope"/],
    [
      "an origin with a path",
      { "mailer-api:allowedOrigin": "https://www.example.com/contact" },
      /allowedOrigin/,
    ],
  ])("%s", async (_label, config, message) => {
    const failure = readSettingsWith(config);
    await expect(failure).rejects.toThrow(message);
    await expect(failure).rejects.toBeInstanceOf(pulumi.RunError);
    await failure.catch((error: Error) => expect(error.message).not.toContain(shortToken));
  });

  const weakTokens: Array<[string, string]> = [
    ["one repeated character", "a".repeat(40)],
    ["two alternating characters", "ab".repeat(20)],
    ["nine distinct characters", "123456789".repeat(4)],
  ];
  it.each(weakTokens)("refuses a token made of %s, saying how to make one", async (_l, token) => {
    for (const key of ["authToken", "previousAuthToken"]) {
      const failure = readSettingsWith({ [`mailer-api:${key}`]: token });
      await expect(failure).rejects.toThrow(
        new RegExp(
          `${key}.*distinct characters.*Fix: pulumi config set --secret ${key} "\\$\\(openssl rand -hex 32\\)"`,
        ),
      );
      await failure.catch((error: Error) => expect(error.message).not.toContain(token));
    }
  });

  it("says exactly what the weak-token check counts, and claims no entropy it cannot measure", async () => {
    const failure = readSettingsWith({ "mailer-api:authToken": "ab".repeat(20) });
    await failure.catch((error: Error) => {
      expect(error.message).toContain(
        "the token has only 2 distinct characters; at least 10 are required",
      );
      // The check counts characters; it cannot tell a random token from a pattern.
      expect(error.message).not.toMatch(/bits of entropy/);
    });
    await expect(failure).rejects.toThrow(/distinct/);
  });

  it("accepts a token with ten distinct characters, and the openssl kind", async () => {
    await expect(
      readSettingsWith({ "mailer-api:authToken": "0123456789".repeat(4) }),
    ).resolves.toBeDefined();
    await expect(
      readSettingsWith({
        "mailer-api:authToken": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
      }),
    ).resolves.toBeDefined();
  });

  it("refuses a previous token stored in plain text, naming --secret", async () => {
    const previous = "previous-token-0a1b2c3d4e5f60718293a4b5c6d7e8f9";
    const failure = readSettingsWith({ "mailer-api:previousAuthToken": previous }, [
      "mailer-api:authToken",
    ]);
    await expect(failure).rejects.toThrow(
      /previousAuthToken.*plain text.*Fix: pulumi config set --secret previousAuthToken/,
    );
    await expect(failure).rejects.toBeInstanceOf(pulumi.RunError);
    await failure.catch((error: Error) => expect(error.message).not.toContain(previous));
  });

  it("reads the prod stack's own values when nothing is wrong", async () => {
    const settings = await readSettingsWith({});
    expect(settings.rateLimit).toBe(Number(prodConfig.values["mailer-api:rateLimit"]));
    expect(settings.mailTo).toEqual(prodConfig.values["mailer-api:mailTo"].split(","));
  });

  it("runs the whole program on the prod stack's values", async () => {
    await expect(runProdStack()).resolves.toHaveProperty("resources");
  });
});

describe("Pulumi.yaml documents every key the program reads", () => {
  const project = parse(readFileSync(join(PROJECT_DIR, "Pulumi.yaml"), "utf8")) as {
    name: string;
    config: Record<
      string,
      { type?: string; description?: string; default?: unknown; secret?: boolean }
    >;
  };

  it.each([...SETTING_KEYS, ...SECRET_KEYS])("declares %s with a type and a description", (key) => {
    const declaration = project.config[key];
    expect(declaration).toBeDefined();
    expect(["string", "integer"]).toContain(declaration.type);
    expect(declaration.description?.length).toBeGreaterThan(20);
  });

  it("requires the token as a secret with no default", () => {
    expect(project.config.authToken).toMatchObject({ secret: true });
    expect(project.config.authToken).not.toHaveProperty("default");
  });

  // The CLI refuses a key declared `secret: true` whose value is a plaintext default ("must be
  // encrypted as it's secret"), and without a default the key would be required on every stack:
  // so the optional previous token is declared plainly, and the program refuses it unless it was
  // set with --secret (above). Its description says so.
  it("declares the previous token as optional, to be set with --secret", () => {
    expect(project.config.previousAuthToken).toMatchObject({ type: "string", default: "" });
    expect(project.config.previousAuthToken).not.toHaveProperty("secret");
    expect(project.config.previousAuthToken.description).toContain(
      "pulumi config set --secret previousAuthToken",
    );
  });

  it("holds prod values of the declared types, as the CLI validates them", () => {
    const stack = parse(readFileSync(join(PROJECT_DIR, "Pulumi.prod.yaml"), "utf8")) as {
      config: Record<string, unknown>;
    };
    for (const [qualified, value] of Object.entries(stack.config)) {
      if (!qualified.startsWith("mailer-api:")) continue;
      const declaration = project.config[qualified.slice("mailer-api:".length)];
      expect(declaration).toBeDefined();
      if (declaration.type === "integer") {
        expect(Number.isInteger(typeof value === "string" ? Number(value) : value)).toBe(true);
      } else {
        expect(typeof value).toBe("string");
      }
    }
    expect(stack.config["aws:region"]).toEqual(expect.any(String));
  });

  it("names the project as the stack files and the program expect", () => {
    expect(project.name).toBe("mailer-api");
  });
});
