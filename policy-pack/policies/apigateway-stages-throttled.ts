import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import {
  TYPES,
  UNKNOWN,
  coversStage,
  describe,
  ofType,
  read,
  relatedThrough,
  restApiKey,
} from "./stack-resources";

export interface StagesAreThrottledConfig {
  maxRateLimit: number;
  maxBurstLimit: number;
  /** Stage names that must be throttled; empty means every stage. */
  stages: string[];
}

/**
 * Throttling counts only when it covers the whole stage: method settings on the `*\/*` path with
 * both a rate and a burst limit. API Gateway reads -1 as "no limit", so it counts as missing.
 */
const STAGE_FIX =
  'Declare an aws.apigateway.MethodSettings with `stageName: stage.stageName`, `methodPath: "*/*"` and `settings: { throttlingRateLimit, throttlingBurstLimit }` above 0 and within the maxima.';

export const stagesAreThrottled: StackValidationPolicy = {
  name: "apigateway-stages-throttled",
  description:
    "Every REST API stage (of APIs with methods, an OpenAPI body or built by @pulumi/aws-apigateway) must have stage-wide (*/*) method settings with a positive rate and burst limit, within the configured maxima.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    'Declare an aws.apigateway.MethodSettings with `stageName: stage.stageName`, `methodPath: "*/*"` and `settings: { throttlingRateLimit, throttlingBurstLimit }` above 0 and within the pack\'s maxima.',
  configSchema: {
    properties: {
      maxRateLimit: { type: "number", default: 10000, exclusiveMinimum: 0 },
      maxBurstLimit: { type: "number", default: 5000, exclusiveMinimum: 0 },
      stages: {
        type: "array",
        items: { type: "string" },
        default: [],
        description: "Names of the stages that must be throttled; empty for every stage.",
      },
    },
  },
  validateStack: (args, reportViolation) => {
    const config = args.getConfig<StagesAreThrottledConfig>();
    const stages = ofType(args.resources, TYPES.stage);
    const settings = ofType(args.resources, TYPES.methodSettings);

    // An API serves requests once it has methods, whether declared as resources or in a body.
    const servingApis = new Map<string, string>();
    for (const method of ofType(args.resources, TYPES.method)) {
      servingApis.set(restApiKey(method), "has methods");
    }
    for (const api of ofType(args.resources, TYPES.restApi)) {
      if (hasBody(api)) servingApis.set(api.urn, "has an OpenAPI body");
    }
    for (const put of ofType(args.resources, TYPES.restApiPut)) {
      if (hasBody(put)) servingApis.set(restApiKey(put), "has an OpenAPI body");
    }
    for (const [api, what] of servingApis) {
      if (stages.some((stage) => restApiKey(stage) === api)) continue;
      const apiResource = args.resources.find((resource) => resource.urn === api);
      // `@pulumi/aws-apigateway` declares the stage itself; judged with the component below.
      if (apiResource?.parent?.type === TYPES.restApiComponent) continue;
      reportViolation(
        `${apiResource ? describe(apiResource) : "A REST API"} ${what} but no aws.apigateway.Stage in this stack, so no throttled stage serves it. Declare a Stage and stage-wide MethodSettings.`,
        apiResource?.urn,
      );
    }

    // Offline (and in any run where its children are not registered) the component's stage
    // exists only as its `stageName` input; method settings reach it through the component.
    for (const component of ofType(args.resources, TYPES.restApiComponent)) {
      if (stages.some((stage) => stage.parent?.urn === component.urn)) continue;
      const stageName = read(component, "stageName");
      if (!isJudged(stageName, config)) continue;
      const stageWide = settings.filter(
        (setting) =>
          relatedThrough(setting, "stageName", TYPES.restApiComponent).some(
            (dep) => dep.urn === component.urn,
          ) && read(setting, "methodPath") === "*/*",
      );
      const label = `${describe(component)} (stage "${typeof stageName === "string" ? stageName : "stage"}")`;
      if (stageWide.length === 0) {
        reportViolation(
          `${label} has no stage-wide ("*/*") method settings, so nothing limits its request rate. Declare an aws.apigateway.MethodSettings with \`restApi: api.api.id\`, \`stageName: api.stage.stageName\` and \`methodPath: "*/*"\` with throttling.`,
          component.urn,
        );
        continue;
      }
      const problems = stageWide.map((setting) => limitProblem(setting, config));
      if (problems.every((problem) => problem !== undefined)) {
        reportViolation(`${label}: ${problems[0]}`, component.urn);
      }
    }

    for (const stage of stages) {
      const stageName = read(stage, "stageName");
      if (!isJudged(stageName, config)) continue;
      const stageWide = settings.filter(
        (setting) => appliesTo(setting, stage) && read(setting, "methodPath") === "*/*",
      );
      if (stageWide.length === 0) {
        reportViolation(
          `${describe(stage)} has no stage-wide ("*/*") method settings, so nothing limits its request rate. ${STAGE_FIX}`,
          stage.urn,
        );
        continue;
      }
      const problems = stageWide.map((setting) => limitProblem(setting, config));
      if (problems.every((problem) => problem !== undefined)) {
        reportViolation(`${describe(stage)}: ${problems[0]} ${STAGE_FIX}`, stage.urn);
      }
    }
  },
};

/** Whether method settings are those of this stage: through the stage, or by name on the same API. */
function appliesTo(setting: PolicyResource, stage: PolicyResource): boolean {
  const reference = {
    stageProperty: "stageName",
    apiProperty: "restApi",
    stageName: read(setting, "stageName"),
    apiId: read(setting, "restApi"),
  };
  return coversStage(setting, reference, stage);
}

/** A stage is judged unless the config names the stages to judge and this one is not among them. */
function isJudged(stageName: unknown, config: StagesAreThrottledConfig): boolean {
  return (
    config.stages.length === 0 || typeof stageName !== "string" || config.stages.includes(stageName)
  );
}

function limitProblem(
  setting: PolicyResource,
  config: StagesAreThrottledConfig,
): string | undefined {
  const rate = read(setting, "settings", "throttlingRateLimit");
  const burst = read(setting, "settings", "throttlingBurstLimit");
  for (const [label, value, max] of [
    ["throttlingRateLimit", rate, config.maxRateLimit],
    ["throttlingBurstLimit", burst, config.maxBurstLimit],
  ] as const) {
    if (value === UNKNOWN) return `${label} is not known before deployment; set it to a number.`;
    if (typeof value !== "number") return `${label} is not set, so the stage is not rate limited.`;
    if (value <= 0) {
      return `${label} is ${value}${value === -1 ? ' (API Gateway\'s "no limit")' : ""}; it must be above 0.`;
    }
    if (value > max) return `${label} is ${value}, above the allowed maximum of ${max}.`;
  }
  return undefined;
}

function hasBody(resource: PolicyResource): boolean {
  const body = read(resource, "body");
  return body === UNKNOWN || (typeof body === "string" && body !== "");
}
