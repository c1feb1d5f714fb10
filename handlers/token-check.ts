// Token verification for the authorizer. Accepted tokens are configured as SHA-256 digests, so
// neither the Lambda's settings nor its memory dumps hold a usable token, and the comparison is
// constant-time over fixed-length digests whatever the caller sends.
import { createHash, timingSafeEqual } from "node:crypto";

import { isTokenShaped } from "../contracts/token";

const DIGEST_PATTERN = /^[0-9a-f]{64}$/;

/** Parses AUTH_TOKEN_SHA256: comma-separated lowercase hex digests (two during a rotation). */
export function parseAcceptedDigests(setting: string | undefined): Buffer[] {
  if (setting === undefined) return [];
  return setting
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => DIGEST_PATTERN.test(entry))
    .map((entry) => Buffer.from(entry, "hex"));
}

export function isAcceptedToken(token: unknown, acceptedDigests: readonly Buffer[]): boolean {
  if (typeof token !== "string" || !isTokenShaped(token)) return false;
  const presented = createHash("sha256").update(token, "utf8").digest();
  let accepted = false;
  // Check every digest, so the time taken does not tell which one (if any) matched.
  for (const digest of acceptedDigests) {
    if (timingSafeEqual(presented, digest)) accepted = true;
  }
  return accepted;
}
