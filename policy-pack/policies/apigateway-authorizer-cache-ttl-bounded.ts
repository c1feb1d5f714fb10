import type { StackValidationPolicy } from "@pulumi/policy";
import { TYPES, UNKNOWN, describe, ofType, read } from "./stack-resources";

export interface AuthorizerCacheTtlConfig {
  minTtl: number;
  maxTtl: number;
}

/**
 * A cached Allow outlives a revoked token by up to the TTL; no cache at all runs the authorizer on
 * every request. Both ends are bounded.
 */
export const authorizerCacheTtlBounded: StackValidationPolicy = {
  name: "apigateway-authorizer-cache-ttl-bounded",
  description: "API Gateway authorizers should cache decisions for a bounded time.",
  enforcementLevel: "advisory",
  severity: "low",
  remediationSteps:
    "Set the authorizer's `authorizerResultTtlInSeconds` within the configured bounds (default 0 to 900 seconds).",
  configSchema: {
    properties: {
      minTtl: { type: "integer", default: 0, minimum: 0 },
      maxTtl: { type: "integer", default: 900, minimum: 0, maximum: 3600 },
    },
  },
  validateStack: (args, reportViolation) => {
    const { minTtl, maxTtl } = args.getConfig<AuthorizerCacheTtlConfig>();
    for (const authorizer of ofType(args.resources, TYPES.authorizer)) {
      const ttl = read(authorizer, "authorizerResultTtlInSeconds");
      if (ttl === UNKNOWN) continue;
      // API Gateway's default when the TTL is not set.
      const effective = typeof ttl === "number" ? ttl : 300;
      if (effective < minTtl || effective > maxTtl) {
        reportViolation(
          `${describe(authorizer)} caches decisions for ${effective} s; keep it between ${minTtl} and ${maxTtl} s.`,
          authorizer.urn,
        );
      }
    }
  },
};
