// mailer-api: a token-protected, rate-limited "send an email" API for a static website.
import { createApi } from "./infra/api";
import { buildHandlersSync } from "./infra/bundle";
import { readStackSettings } from "./infra/config";
import { createFunctions } from "./infra/lambdas";
import { createMailIdentities } from "./infra/mail-identity";
import { createProdStage } from "./infra/stage";
import { createUsageApiKey, createUsagePlan } from "./infra/usage-plan";

const settings = readStackSettings();
const identities = createMailIdentities(settings);
const usageApiKey = createUsageApiKey();
const functions = createFunctions({
  settings,
  bundles: buildHandlersSync(),
  identities,
  usageApiKeyValue: usageApiKey.value,
});
const api = createApi(settings, functions);
const { stage } = createProdStage(api, settings);
createUsagePlan({ settings, restApi: api.restApi, stage, apiKey: usageApiKey });

/** The prod invoke URL: POST here (the stage's root) to send an email. */
export const url = stage.invokeUrl;
export const apiId = api.restApi.id;
export const stageName = stage.stageName;
export const mailFrom = settings.mailFrom;
export const curl = url.apply(
  (invokeUrl) => `curl -X POST -H "authtoken: $(pulumi config get authToken)" ${invokeUrl}`,
);
