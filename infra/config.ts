// The Pulumi program's one reader of stack config: typed, validated settings, and the token turned
// into SHA-256 digests that stay secret. The plaintext token never leaves this file.
import * as pulumi from "@pulumi/pulumi";
import { sha256Hex } from "../handlers/token-check";
import { ConfigError, parseSettings, validateAuthToken, type MailerSettings } from "./settings";

export interface StackSettings extends MailerSettings {
  /** AUTH_TOKEN_SHA256 for the authorizer: current (and previous) token digests, secret. */
  acceptedTokenDigests: pulumi.Output<string>;
}

export function readStackSettings(): StackSettings {
  const config = new pulumi.Config();
  const settings = failWithConfigMessage(() => parseSettings((key) => config.get(key)));
  const authToken = config.requireSecret("authToken");
  const previousAuthToken = config.getSecret("previousAuthToken") ?? pulumi.secret("");
  const acceptedTokenDigests = pulumi
    .all([authToken, previousAuthToken])
    .apply(([current, previous]) =>
      failWithConfigMessage(() => {
        const digests = [sha256Hex(validateAuthToken("authToken", current))];
        if (previous !== "")
          digests.push(sha256Hex(validateAuthToken("previousAuthToken", previous)));
        return digests.join(",");
      }),
    );
  return { ...settings, acceptedTokenDigests: pulumi.secret(acceptedTokenDigests) };
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
