import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { TYPES, coversStage, describe, ofType, read, relatedThrough } from "./stack-resources";

const WAF_TYPES = {
  webAcl: "aws:wafv2/webAcl:WebAcl",
  association: "aws:wafv2/webAclAssociation:WebAclAssociation",
} as const;

export interface StagesHavePerIpRateLimitConfig {
  /** The highest per-IP limit (requests per evaluation window) that counts; 0 for any. */
  maxRequestsPerIp: number;
}

/**
 * A public API whose token ships in a web page's JavaScript has, in effect, no secret: every
 * stage-wide limit (throttle, quota) can then be spent by one client for everyone. Only a limit per
 * client stops that, and on API Gateway REST APIs that is an AWS WAF rate-based rule aggregated by
 * source IP. Relations are read through property dependencies, so the verdict holds at preview,
 * when the stage's ARN and the web ACL's ARN are still unknown.
 */
export const stagesHavePerIpRateLimit: StackValidationPolicy = {
  name: "apigateway-stages-have-per-ip-rate-limit",
  description:
    "Every public API Gateway stage should have an AWS WAF web ACL with a blocking rate-based rule aggregated by source IP, so one client cannot spend the stage's limits for everyone.",
  enforcementLevel: "advisory",
  severity: "medium",
  remediationSteps:
    'Declare an aws.wafv2.WebAcl (scope "REGIONAL", defaultAction allow) with a rule `{ action: { block: {} }, statement: { rateBasedStatement: { limit, aggregateKeyType: "IP" } } }` and an aws.wafv2.WebAclAssociation with `resourceArn: stage.arn, webAclArn: webAcl.arn`. In mailer-api: pulumi config set perIpRateLimit 20.',
  configSchema: {
    properties: {
      maxRequestsPerIp: {
        type: "number",
        default: 0,
        minimum: 0,
        description:
          "The highest rate-based rule limit that counts as a per-IP limit; 0 accepts any limit.",
      },
    },
  },
  validateStack: (args, reportViolation) => {
    const config = args.getConfig<StagesHavePerIpRateLimitConfig>();
    const associations = ofType(args.resources, WAF_TYPES.association);
    for (const stage of ofType(args.resources, TYPES.stage)) {
      if (isPrivate(stage)) continue;
      const webAcls = associations
        .filter((association) => associates(association, stage))
        .flatMap((association) => relatedThrough(association, "webAclArn", WAF_TYPES.webAcl));
      if (webAcls.length === 0) {
        reportViolation(
          `${describe(stage)} has no AWS WAF web ACL associated with it, so nothing limits requests per client: one client with the token can spend the stage's throttle and quota for everyone.`,
          stage.urn,
        );
        continue;
      }
      if (!webAcls.some((webAcl) => hasPerIpLimit(webAcl, config.maxRequestsPerIp))) {
        const names = webAcls.map((webAcl) => `"${webAcl.name}"`).join(", ");
        const bound =
          config.maxRequestsPerIp > 0 ? ` with a limit of at most ${config.maxRequestsPerIp}` : "";
        reportViolation(
          `${describe(stage)} is associated with web ACL ${names}, which has no blocking rate-based rule by source IP${bound}, so nothing limits requests per client.`,
          stage.urn,
        );
      }
    }
  },
};

/** Private APIs are reachable only from a VPC: the public-token threat does not apply. */
function isPrivate(stage: PolicyResource): boolean {
  return relatedThrough(stage, "restApi", TYPES.restApi).some((api) => {
    const types = read(api, "endpointConfiguration", "types");
    return types === "PRIVATE" || (Array.isArray(types) && types.includes("PRIVATE"));
  });
}

/** The association's resourceArn was computed from this stage (or names it literally). */
function associates(association: PolicyResource, stage: PolicyResource): boolean {
  const arn = read(association, "resourceArn");
  const named = typeof arn === "string" ? /\/restapis\/([^/]+)\/stages\/([^/]+)$/.exec(arn) : null;
  const reference = {
    stageProperty: "resourceArn",
    apiProperty: "resourceArn",
    stageName: named?.[2],
    apiId: named?.[1],
  };
  return coversStage(association, reference, stage);
}

interface WafRule {
  action?: { block?: unknown };
  statement?: {
    rateBasedStatement?: {
      limit?: unknown;
      aggregateKeyType?: unknown;
      customKeys?: Array<{ ip?: unknown }>;
    };
  };
}

/** A rule that blocks above a per-source-IP rate (not Count, not a forwarded header a client sets). */
function hasPerIpLimit(webAcl: PolicyResource, maxRequestsPerIp: number): boolean {
  const rules = read(webAcl, "rules");
  if (!Array.isArray(rules)) return false;
  return (rules as WafRule[]).some((rule) => {
    const rate = rule?.statement?.rateBasedStatement;
    if (!rate || rule.action?.block === undefined) return false;
    const byIp =
      rate.aggregateKeyType === "IP" ||
      (rate.aggregateKeyType === "CUSTOM_KEYS" &&
        (rate.customKeys ?? []).length === 1 &&
        rate.customKeys?.[0]?.ip !== undefined);
    const withinBound =
      maxRequestsPerIp === 0 || (typeof rate.limit === "number" && rate.limit <= maxRequestsPerIp);
    return byIp && withinBound;
  });
}
