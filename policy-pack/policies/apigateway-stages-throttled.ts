import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import {
  TYPES,
  UNKNOWN,
  coversStage,
  describe,
  methodPathMatches,
  methodRoute,
  methodSettingsPath,
  ofType,
  read,
  relatedThrough,
  restApiKey,
  restApiKeys,
  runsCode,
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
    "Every REST API stage (of APIs with methods, an OpenAPI body or built by @pulumi/aws-apigateway) must have stage-wide (*/*) method settings with a positive rate and burst limit, within the configured maxima, and so must every per-method override that reaches a method running code; two stage-wide settings for one stage must both pass. Settings count for a stage only when they name its API and its name.",
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
        (setting) => onComponent(setting, component) && read(setting, "methodPath") === "*/*",
      );
      const label = `${describe(component)} (stage "${typeof stageName === "string" ? stageName : "stage"}")`;
      if (stageWide.length === 0) {
        reportViolation(
          `${label} has no stage-wide ("*/*") method settings, so nothing limits its request rate. Declare an aws.apigateway.MethodSettings with \`restApi: api.api.id\`, \`stageName: api.stage.stageName\` and \`methodPath: "*/*"\` with throttling.`,
          component.urn,
        );
        continue;
      }
      const problem = stageWideProblem(label, stageWide, config);
      if (problem) reportViolation(problem, component.urn);
      const overrides = settings.filter(
        (setting) => onComponent(setting, component) && read(setting, "methodPath") !== "*/*",
      );
      for (const override of overrides) {
        const limit = limitProblem(override, config);
        if (limit) reportViolation(overrideMessage(label, override, [], limit), component.urn);
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
      const problem = stageWideProblem(describe(stage), stageWide, config);
      if (problem) reportViolation(`${problem} ${STAGE_FIX}`, stage.urn);
      judgeOverrides(stage, settings, args.resources, config, reportViolation);
    }
  },
};

/**
 * A method's own MethodSettings override the stage-wide ones for that method: each override that
 * reaches a method running code (or any method, where the stack does not show them) must carry a
 * limit of its own. The provider sends -1 ("no limit") for a throttling field left out.
 */
function judgeOverrides(
  stage: PolicyResource,
  settings: PolicyResource[],
  resources: PolicyResource[],
  config: StagesAreThrottledConfig,
  report: (message: string, urn?: string) => void,
): void {
  const apiKeys = restApiKeys(stage);
  const integrations = ofType(resources, TYPES.integration);
  const methods = ofType(resources, TYPES.method).filter((method) =>
    [...restApiKeys(method)].some((key) => apiKeys.has(key)),
  );
  for (const override of settings) {
    const pattern = read(override, "methodPath");
    if (pattern === "*/*" || !appliesTo(override, stage)) continue;
    const limit = limitProblem(override, config);
    if (!limit) continue;
    const reached = methods.filter(
      (method) =>
        typeof pattern !== "string" || methodPathMatches(pattern, methodSettingsPath(method)),
    );
    const running = reached.filter((method) => runsCode(method, integrations));
    // Methods declared, and this override reaches none that runs code: nothing it lifts.
    if (methods.length > 0 && running.length === 0) continue;
    report(overrideMessage(describe(stage), override, running, limit), stage.urn);
  }
}

function overrideMessage(
  label: string,
  override: PolicyResource,
  methods: PolicyResource[],
  limit: string,
): string {
  const pattern = read(override, "methodPath");
  const shown = typeof pattern === "string" ? `"${pattern}"` : "not known before deployment";
  const routes = methods.length > 0 ? methods.map(methodRoute).join(", ") : "any method";
  return `${label}: ${describe(override)} (methodPath ${shown}, route ${routes}) override the stage-wide limit for that method: ${limit} Give the override its own \`throttlingRateLimit\` and \`throttlingBurstLimit\` above 0 and within the maxima, or remove it so the stage-wide limit applies.`;
}

/** The stage-wide settings' problem: one that fails, or two where either fails (last write wins). */
function stageWideProblem(
  label: string,
  stageWide: PolicyResource[],
  config: StagesAreThrottledConfig,
): string | undefined {
  const problems = stageWide.map((setting) => limitProblem(setting, config));
  const failing = problems.findIndex((problem) => problem !== undefined);
  if (failing === -1) return undefined;
  if (stageWide.length === 1) return `${label}: ${problems[failing]}`;
  const names = stageWide.map((setting) => `"${setting.name}"`).join(", ");
  return `${label} has ${stageWide.length} stage-wide ("*/*") method settings (${names}); API Gateway applies whichever was written last, and ${describe(stageWide[failing])}: ${problems[failing]} Keep one.`;
}

/** Method settings that name the component's stage AND its API (not another API's). */
function onComponent(setting: PolicyResource, component: PolicyResource): boolean {
  const fromComponent = relatedThrough(setting, "stageName", TYPES.restApiComponent).some(
    (dep) => dep.urn === component.urn,
  );
  const apis = [...restApiKeys(setting, ["restApi"])].filter((key) => !key.startsWith("id:"));
  return fromComponent && apis.length > 0 && apis.every((key) => key === component.urn);
}

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
    if (typeof value !== "number") {
      return `${label} is not set (the provider then sends -1, "no limit"), so it is not rate limited.`;
    }
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
