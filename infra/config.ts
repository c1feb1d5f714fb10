// The Pulumi program's one reader of stack config: typed, validated settings, and the token turned
// into SHA-256 digests that stay secret. The plaintext token never leaves this file.
import * as pulumi from "@pulumi/pulumi";
import { sha256Hex } from "../handlers/token-check";
import {
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
}

export function readStackSettings(): StackSettings {
  const config = new pulumi.Config();
  return failWithConfigMessage(() => {
    const settings = parseSettings((key) => config.get(key));
    const operations = parseOperationsSettings((key) => config.get(key));
    // requireSecret fails with the CLI's own message when the token was never set.
    config.requireSecret("authToken");
    const digests = [sha256Hex(validateAuthToken("authToken", readSecret(config, "authToken")))];
    const previous = readSecret(config, "previousAuthToken");
    if (previous !== "") digests.push(sha256Hex(validateAuthToken("previousAuthToken", previous)));
    return { ...settings, ...operations, acceptedTokenDigests: pulumi.secret(digests.join(",")) };
  });
}

/**
 * A secret's value, read synchronously so that a bad token stops the program before any resource
 * is registered; only its digest leaves this module, and as a secret.
 */
function readSecret(config: pulumi.Config, key: "authToken" | "previousAuthToken"): string {
  return pulumi.runtime.getConfig(`${config.name}:${key}`) ?? "";
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
