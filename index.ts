// mailer-api: a token-protected, rate-limited "send an email" API for a static website.
import * as pulumi from "@pulumi/pulumi";
import { siteSetupText } from "./contracts/site";
import { TOKEN_HEADER } from "./contracts/token";
import { createAccessLogs } from "./infra/access-logs";
import { createAlarms } from "./infra/alarms";
import { createApi } from "./infra/api";
import { buildHandlersSync } from "./infra/bundle";
import { readStackSettings } from "./infra/config";
import { createFunctions } from "./infra/lambdas";
import { createDeliveryMapping, createDeliveryQueues } from "./infra/delivery-queue";
import { createMailIdentities } from "./infra/mail-identity";
import { createProdStage } from "./infra/stage";
import { createUsageApiKey, createUsagePlan } from "./infra/usage-plan";
import { createPerIpRateLimit } from "./infra/waf";

const settings = readStackSettings();
const identities = createMailIdentities(settings);
const usageApiKey = createUsageApiKey();
const queues = createDeliveryQueues();
const functions = createFunctions({
  settings,
  bundles: buildHandlersSync(),
  identities,
  queues,
  usageApiKeyValue: usageApiKey.value,
});
createDeliveryMapping(queues.queue, functions.delivery, [functions.deliveryQueueAccess]);
const api = createApi(settings, functions);
const accessLogs = createAccessLogs({
  retentionInDays: settings.accessLogRetentionDays,
  manageLoggingRole: settings.manageApiGatewayLogRole,
});
const { stage } = createProdStage(api, settings, accessLogs);
createUsagePlan({ settings, restApi: api.restApi, stage, apiKey: usageApiKey });
const perIpRateLimit =
  settings.perIpRateLimit === undefined
    ? undefined
    : createPerIpRateLimit(stage, {
        perIpRateLimit: settings.perIpRateLimit,
        botChallenge: settings.botChallenge,
        allowedOrigin: settings.allowedOrigin,
      });
const alarms =
  settings.alarmEmail === undefined
    ? undefined
    : createAlarms({
        settings,
        alarmEmail: settings.alarmEmail,
        restApi: api.restApi,
        stage,
        mailer: functions.mailer,
        deadLetterQueue: queues.deadLetterQueue,
        perIpRateLimit,
      });

/** The prod invoke URL: POST here (the stage's root) to send an email. */
export const url = stage.invokeUrl;
export const apiId = api.restApi.id;
export const stageName = stage.stageName;
export const mailFrom = settings.mailFrom;
export const curl = url.apply(
  (invokeUrl) => `curl -X POST -H "${TOKEN_HEADER}: $(pulumi config get authToken)" ${invokeUrl}`,
);

// Your own site (docs/deploy-and-operate.md, "Use it on your own site"): what to paste, and the token to publish with the
// page. `pulumi stack output siteSetup`; `pulumi stack output siteToken --show-secrets`.
const challengeScriptUrl = perIpRateLimit?.challengeScriptUrl;
export const siteSetup = pulumi.all([url, challengeScriptUrl ?? ""]).apply(([apiUrl, scriptUrl]) =>
  siteSetupText({
    apiUrl,
    allowedOrigin: settings.allowedOrigin,
    ...(scriptUrl && settings.botChallenge !== "none"
      ? { botChallenge: { kind: settings.botChallenge, scriptUrl } }
      : {}),
  }),
);
export const siteToken = pulumi.secret(settings.siteToken);
/** AWS WAF's JavaScript integration script (botChallenge on), or null. */
export const botChallengeScriptUrl = challengeScriptUrl ?? null;
/** The CAPTCHA JavaScript API's key, for the page's mailer-captcha-key tag (botChallenge captcha). */
export const captchaApiKey = perIpRateLimit?.captchaApiKey
  ? pulumi.secret(perIpRateLimit.captchaApiKey.apiKey)
  : null;

// Where the operator looks: the logs, the per-IP limit, the alarms (docs/deploy-and-operate.md).
export const accessLogGroup = accessLogs.logGroup.name;
export const mailerLogGroup = functions.mailer.loggingConfig.logGroup;
export const authorizerLogGroup = functions.authorizer.loggingConfig.logGroup;
export const deliveryLogGroup = functions.delivery.loggingConfig.logGroup;
export const deliveryQueueUrl = queues.queue.id;
export const deadLetterQueueUrl = queues.deadLetterQueue.id;
export const webAclArn = perIpRateLimit?.webAcl.arn ?? null;
export const alarmTopicArn = alarms?.topic.arn ?? null;
export const alarmNames = alarms ? alarms.alarms.map((alarm) => alarm.name) : [];
