// The per-client limit: an AWS WAF web ACL on the prod stage whose one rate-based rule blocks a
// source IP above `perIpRateLimit` requests per 5 minutes. The stage-wide throttle and quota stop
// the bill; this stops one client from spending them for everyone. A blocked request never reaches
// API Gateway's throttle, quota, authorizer or mailer: API Gateway answers it with its
// WAF_FILTERED gateway response (403, CORS headers from infra/api.ts).
//
// With botChallenge, two rules for POST only (a byte match on the method): a lower per-IP limit
// (a scope-down statement) and an AWS WAF Challenge or CAPTCHA action, which lets a POST through
// only with a token the page got from AWS WAF's JavaScript integration
// (docs/abuse-resistance.md).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { postRateLimit, WAF_EVALUATION_WINDOW_SECONDS, type BotChallenge } from "./settings";

export const PER_IP_RULE_NAME = "per-ip-rate-limit";
export const PER_IP_POST_RULE_NAME = "per-ip-post-limit";
export const BOT_CHALLENGE_RULE_NAME = "bot-challenge";

/** Matches a request whose HTTP method is POST. */
const POST_ONLY = {
  byteMatchStatement: {
    fieldToMatch: { method: {} },
    positionalConstraint: "EXACTLY",
    searchString: "POST",
    textTransformations: [{ priority: 0, type: "NONE" }],
  },
};

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
  /** The script the page loads for AWS WAF's JavaScript integration; undefined: no challenge. */
  challengeScriptUrl?: pulumi.Output<string>;
  /** The CAPTCHA JavaScript API's key (botChallenge captcha only). */
  captchaApiKey?: aws.wafv2.ApiKey;
}

export interface WafOptions {
  perIpRateLimit: number;
  botChallenge: BotChallenge;
  /** The site's origin (not "*" when botChallenge is on). */
  allowedOrigin: string;
}

export function createPerIpRateLimit(
  stage: aws.apigateway.Stage,
  options: WafOptions,
): PerIpRateLimit {
  const { perIpRateLimit, botChallenge } = options;
  const metricNames = wafMetricNames();
  const challenged = botChallenge !== "none";
  const siteDomains = challenged ? [new URL(options.allowedOrigin).hostname] : undefined;
  const webAcl = new aws.wafv2.WebAcl("per-ip-limit", {
    description: `mailer-api: at most ${perIpRateLimit} requests per source IP per ${WAF_EVALUATION_WINDOW_SECONDS / 60} minutes`,
    scope: "REGIONAL",
    defaultAction: { allow: {} },
    // The page's tokens are made for the site's domain, not the API's host.
    ...(siteDomains ? { tokenDomains: siteDomains } : {}),
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
      ...(challenged ? botChallengeRules(perIpRateLimit, botChallenge, metricNames.rule) : []),
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
  if (!challenged) return { webAcl, association, metricNames };
  // The CAPTCHA API key is made for the site's domains; the challenge needs none.
  const captchaApiKey =
    botChallenge === "captcha"
      ? new aws.wafv2.ApiKey("captcha-key", { scope: "REGIONAL", tokenDomains: siteDomains! })
      : undefined;
  const challengeScriptUrl = webAcl.applicationIntegrationUrl.apply((base) =>
    botChallenge === "captcha" ? captchaScriptUrl(base) : `${base}challenge.js`,
  );
  return { webAcl, association, metricNames, challengeScriptUrl, captchaApiKey };
}

function botChallengeRules(
  perIpRateLimit: number,
  botChallenge: Exclude<BotChallenge, "none">,
  metricPrefix: string,
): aws.types.input.wafv2.WebAclRule[] {
  const visibility = (suffix: string) => ({
    cloudwatchMetricsEnabled: true,
    metricName: `${metricPrefix}-${suffix}`,
    sampledRequestsEnabled: false,
  });
  return [
    {
      name: PER_IP_POST_RULE_NAME,
      priority: 1,
      action: { block: {} },
      statement: {
        rateBasedStatement: {
          limit: postRateLimit(perIpRateLimit),
          aggregateKeyType: "IP",
          evaluationWindowSec: WAF_EVALUATION_WINDOW_SECONDS,
          scopeDownStatement: POST_ONLY,
        },
      },
      visibilityConfig: visibility("post"),
    },
    {
      name: BOT_CHALLENGE_RULE_NAME,
      priority: 2,
      action: botChallenge === "captcha" ? { captcha: {} } : { challenge: {} },
      statement: POST_ONLY,
      visibilityConfig: visibility(botChallenge),
    },
  ];
}

/**
 * The CAPTCHA JavaScript API's script, derived from the integration URL AWS gives the web ACL
 * (https://<id>.<region>.sdk.awswaf.com/<id>/<path>/): https://<id>.<region>.captcha-sdk.awswaf.com/<id>/jsapi.js,
 * the shape the console's "CAPTCHA integration" tab lists (check it there once).
 */
function captchaScriptUrl(integrationUrl: string): string {
  const url = new URL(integrationUrl);
  const [prefix] = url.pathname.split("/").filter(Boolean);
  return `https://${url.hostname.replace(".sdk.awswaf.com", ".captcha-sdk.awswaf.com")}/${prefix}/jsapi.js`;
}
