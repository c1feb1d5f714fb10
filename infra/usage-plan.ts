// The daily quota, the fail-safe on how often the API can run. Usage plans only count requests
// that carry an API key; with the REST API's apiKeySource AUTHORIZER, the authorizer returns this
// key for every caller, so every request counts without clients ever seeing a key.
import * as aws from "@pulumi/aws";
import type { MailerSettings } from "./settings";

export function createUsageApiKey(): aws.apigateway.ApiKey {
  return new aws.apigateway.ApiKey("usage-key", {
    description: "Counts every request against the daily quota; returned by the authorizer.",
    enabled: true,
  });
}

export function createUsagePlan(args: {
  settings: MailerSettings;
  restApi: aws.apigateway.RestApi;
  stage: aws.apigateway.Stage;
  apiKey: aws.apigateway.ApiKey;
}): { plan: aws.apigateway.UsagePlan; planKey: aws.apigateway.UsagePlanKey } {
  const { settings } = args;
  const plan = new aws.apigateway.UsagePlan("daily-quota", {
    description: "Rate, burst and daily quota for the prod stage",
    apiStages: [{ apiId: args.restApi.id, stage: args.stage.stageName }],
    throttleSettings: { rateLimit: settings.rateLimit, burstLimit: settings.burstLimit },
    quotaSettings: { limit: settings.dailyQuota, period: "DAY" },
  });
  const planKey = new aws.apigateway.UsagePlanKey("daily-quota-key", {
    keyId: args.apiKey.id,
    keyType: "API_KEY",
    usagePlanId: plan.id,
  });
  return { plan, planKey };
}
