// The Pulumi program's one reader of stack config: typed, validated settings, and the token turned
// into SHA-256 digests that stay secret. The plaintext token leaves this file only as a secret
// (the `siteToken` output the owner publishes with the site).
import * as pulumi from "@pulumi/pulumi";
import { sha256Hex } from "../contracts/token";
import {
  checkBotChallengeOrigin,
  ConfigError,
  parseOperationsSettings,
  parseSettings,
  validateAuthToken,
  type MailerSettings,
  type OperationsSettings,
} from "./settings";

export interface StackSettings extends MailerSettings, OperationsSettings {
  /** AUTH_TOKEN_SHA256 for the authorizer: current (and previous) token digests, secret. */
  acceptedTokenDigests: pulumi.Output<string>;
  /** The current token, secret: what the owner's site publishes for its visitors' browsers. */
  siteToken: pulumi.Output<string>;
}

export function readStackSettings(): StackSettings {
  const config = new pulumi.Config();
  return failWithConfigMessage(() => {
    const settings = parseSettings((key) => config.get(key));
    const operations = parseOperationsSettings((key) => config.get(key));
    checkBotChallengeOrigin(operations.botChallenge, settings.allowedOrigin);
    // requireSecret fails with the CLI's own message when the token was never set.
    config.requireSecret("authToken");
    const token = validateAuthToken("authToken", readSecret(config, "authToken"));
    const digests = [sha256Hex(token)];
    const previous = readSecret(config, "previousAuthToken");
    if (previous !== "") digests.push(sha256Hex(validateAuthToken("previousAuthToken", previous)));
    return {
      ...settings,
      ...operations,
      acceptedTokenDigests: pulumi.secret(digests.join(",")),
      siteToken: pulumi.secret(token),
    };
  });
}

/**
 * A secret's value, read synchronously so that a bad token stops the program before any resource
 * is registered; only its digest leaves this module, and as a secret. A value that was not set
 * with --secret sits in plain text in the stack file, so it is refused.
 */
function readSecret(config: pulumi.Config, key: "authToken" | "previousAuthToken"): string {
  const qualified = `${config.name}:${key}`;
  const value = pulumi.runtime.getConfig(qualified) ?? "";
  if (value !== "" && !isConfigSecret(qualified)) {
    throw new ConfigError(
      key,
      "the token is stored in plain text in the stack file",
      `pulumi config set --secret ${key} "<the token>" (or, to start over, "$(openssl rand -hex 32)")`,
    );
  }
  return value;
}

/**
 * Whether the engine marked a config key secret. The SDK's own check (what makes Config.get warn
 * about a secret) is internal, so it is typed here; a newer SDK without it fails loudly.
 */
function isConfigSecret(qualifiedKey: string): boolean {
  const check = (pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean })
    .isConfigSecret;
  if (typeof check !== "function") {
    throw new Error("@pulumi/pulumi no longer exposes runtime.isConfigSecret");
  }
  return check(qualifiedKey);
}

/** A config mistake is the user's to fix: report it as a plain message, not a stack trace. */
function failWithConfigMessage<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ConfigError) throw new pulumi.RunError(error.message);
    throw error;
  }
}
