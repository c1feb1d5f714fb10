// Publishing the API: a deployment that is replaced whenever the API's definition changes, the
// explicit `prod` stage, and stage-wide throttling for every method.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { STAGE_NAME } from "../contracts/stage";
import type { AccessLogs } from "./access-logs";
import type { MailerApi } from "./api";
import type { MailerSettings } from "./settings";

/**
 * A stable hash of the API's definitions. A Deployment is a snapshot: without a trigger that
 * changes with the methods and integrations, edits to them would never reach the stage
 * (pulumi-aws#471).
 */
export function deploymentTriggerHash(definitions: unknown[]): string {
  return createHash("sha256").update(stableJson(definitions)).digest("hex");
}

export function createProdStage(api: MailerApi, settings: MailerSettings, accessLogs?: AccessLogs) {
  const deployment = new aws.apigateway.Deployment(
    "deployment",
    {
      restApi: api.restApi.id,
      description: "mailer-api",
      triggers: {
        definitions: pulumi.output(api.definitionInputs).apply(deploymentTriggerHash),
      },
    },
    { dependsOn: api.definitions },
  );
  const stage = new aws.apigateway.Stage(
    "prod",
    {
      restApi: api.restApi.id,
      deployment: deployment.id,
      stageName: STAGE_NAME,
      ...(accessLogs ? { accessLogSettings: accessLogs.stageSettings } : {}),
    },
    { dependsOn: accessLogs?.prerequisites ?? [] },
  );
  const throttling = new aws.apigateway.MethodSettings("prod-throttling", {
    restApi: api.restApi.id,
    stageName: stage.stageName,
    methodPath: "*/*",
    settings: {
      throttlingRateLimit: settings.rateLimit,
      throttlingBurstLimit: settings.burstLimit,
      metricsEnabled: true,
    },
  });
  return { deployment, stage, throttling };
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, entry]) => entry !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${stableJson(entry)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
