// The per-client limit: an AWS WAF web ACL on the prod stage whose one rate-based rule blocks a
// source IP above `perIpRateLimit` requests per 5 minutes. The stage-wide throttle and quota stop
// the bill; this stops one client from spending them for everyone. A blocked request never reaches
// API Gateway's throttle, quota, authorizer or mailer: API Gateway answers it with its
// WAF_FILTERED gateway response (403, CORS headers from infra/api.ts).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { WAF_EVALUATION_WINDOW_SECONDS } from "./settings";

export const PER_IP_RULE_NAME = "per-ip-rate-limit";

/**
 * The names the web ACL and its rule give their CloudWatch metrics: the `WebACL` and `Rule`
 * dimensions of AWS/WAFV2. Per stack, so two stacks in one account keep apart.
 */
export function wafMetricNames(): { webAcl: string; rule: string } {
  const prefix = `${pulumi.getProject()}-${pulumi.getStack()}`.replace(/[^\w-]/g, "-");
  return { webAcl: prefix, rule: `${prefix}-per-ip` };
}

export interface PerIpRateLimit {
  webAcl: aws.wafv2.WebAcl;
  association: aws.wafv2.WebAclAssociation;
  metricNames: { webAcl: string; rule: string };
}

export function createPerIpRateLimit(
  stage: aws.apigateway.Stage,
  perIpRateLimit: number,
): PerIpRateLimit {
  const metricNames = wafMetricNames();
  const webAcl = new aws.wafv2.WebAcl("per-ip-limit", {
    description: `mailer-api: at most ${perIpRateLimit} requests per source IP per ${WAF_EVALUATION_WINDOW_SECONDS / 60} minutes`,
    scope: "REGIONAL",
    defaultAction: { allow: {} },
    rules: [
      {
        name: PER_IP_RULE_NAME,
        priority: 0,
        // No custom response: WAF's own would take precedence over the gateway response, and
        // only the gateway response carries the CORS headers a browser needs to read the 403.
        action: { block: {} },
        statement: {
          rateBasedStatement: {
            limit: perIpRateLimit,
            aggregateKeyType: "IP",
            evaluationWindowSec: WAF_EVALUATION_WINDOW_SECONDS,
          },
        },
        visibilityConfig: {
          cloudwatchMetricsEnabled: true,
          metricName: metricNames.rule,
          // Sampled requests keep every header, the token included; the access log has the IPs.
          sampledRequestsEnabled: false,
        },
      },
    ],
    visibilityConfig: {
      cloudwatchMetricsEnabled: true,
      metricName: metricNames.webAcl,
      sampledRequestsEnabled: false,
    },
  });
  // The stage ARN WAF wants: arn:aws:apigateway:<region>::/restapis/<api-id>/stages/<stage>.
  const association = new aws.wafv2.WebAclAssociation("per-ip-limit-on-prod", {
    resourceArn: stage.arn,
    webAclArn: webAcl.arn,
  });
  return { webAcl, association, metricNames };
}
