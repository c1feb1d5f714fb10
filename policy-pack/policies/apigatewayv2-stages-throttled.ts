import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { TYPES, UNKNOWN, describe, dig, ofType, ownerKey, read } from "./stack-resources";

export interface HttpStagesThrottledConfig {
  maxRateLimit: number;
  maxBurstLimit: number;
}

const API_PROPERTIES = ["apiId"];

/**
 * An HTTP or WebSocket API stage is rate limited only by its `defaultRouteSettings` (every route)
 * or by `routeSettings` naming each route; without either, only the account-wide limit applies.
 */
export const httpStagesThrottled: StackValidationPolicy = {
  name: "apigatewayv2-stages-throttled",
  description:
    "Every HTTP/WebSocket API stage must throttle every route: defaultRouteSettings (or routeSettings for each route) with a rate and burst limit above 0, within the configured maxima.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Set the aws.apigatewayv2.Stage's `defaultRouteSettings: { throttlingRateLimit, throttlingBurstLimit }` above 0 and within the pack's maxima (or `routeSettings` for every route), and declare a Stage for every API with routes.",
  configSchema: {
    properties: {
      maxRateLimit: { type: "number", default: 10000, exclusiveMinimum: 0 },
      maxBurstLimit: { type: "number", default: 5000, exclusiveMinimum: 0 },
    },
  },
  validateStack: (args, reportViolation) => {
    const config = args.getConfig<HttpStagesThrottledConfig>();
    const apis = ofType(args.resources, TYPES.httpApi);
    const routes = ofType(args.resources, TYPES.httpRoute);
    const stages = ofType(args.resources, TYPES.httpStage);

    for (const api of apis) {
      const target = read(api, "target");
      if (target !== undefined && target !== null && target !== "") {
        reportViolation(
          `${describe(api)} is a quick-create API: its $default stage has no throttling. Remove \`target\` and declare a Stage with \`defaultRouteSettings\` throttling.`,
          api.urn,
        );
        continue;
      }
      const hasRoutes =
        routes.some((route) => ownerKey(route, API_PROPERTIES, TYPES.httpApi) === api.urn) ||
        (read(api, "body") ?? "") !== "";
      const served = stages.some(
        (stage) => ownerKey(stage, API_PROPERTIES, TYPES.httpApi) === api.urn,
      );
      if (hasRoutes && !served) {
        reportViolation(
          `${describe(api)} has routes but no aws.apigatewayv2.Stage in this stack, so no throttled stage serves it. Declare a Stage with \`defaultRouteSettings\` throttling.`,
          api.urn,
        );
      }
    }

    for (const stage of stages) {
      const apiKey = ownerKey(stage, API_PROPERTIES, TYPES.httpApi);
      for (const override of routeOverrideProblems(stage, config)) {
        reportViolation(
          `${describe(stage)}: routeSettings for ${override}. A route's own settings override defaultRouteSettings: set its throttlingRateLimit and throttlingBurstLimit above 0 and at most ${config.maxRateLimit} / ${config.maxBurstLimit}, or remove them.`,
          stage.urn,
        );
      }
      const problem = limitsProblem(dig(stage.props, "defaultRouteSettings"), config);
      if (problem === undefined) continue;
      const own = routes.filter(
        (route) => ownerKey(route, API_PROPERTIES, TYPES.httpApi) === apiKey,
      );
      const uncovered = routeSettingsGaps(stage, own, config);
      if (own.length > 0 && uncovered.length === 0) continue;
      const routesText =
        uncovered.length > 0 ? ` Routes without their own limits: ${uncovered.join(", ")}.` : "";
      reportViolation(
        `${describe(stage)}: defaultRouteSettings ${problem}.${routesText} Set \`defaultRouteSettings: { throttlingRateLimit, throttlingBurstLimit }\` above 0 and at most ${config.maxRateLimit} / ${config.maxBurstLimit}.`,
        stage.urn,
      );
    }
  },
};

/** Route keys of this API's routes that no valid routeSettings entry throttles. */
function routeSettingsGaps(
  stage: PolicyResource,
  routes: PolicyResource[],
  config: HttpStagesThrottledConfig,
): string[] {
  const entries = dig(stage.props, "routeSettings");
  const count = Array.isArray(entries) ? entries.length : 0;
  const covered = new Set<string>();
  let unknownKeys = false;
  for (let index = 0; index < count; index += 1) {
    const entry = dig(entries, index);
    if (limitsProblem(entry, config) !== undefined) continue;
    const key = dig(entry, "routeKey");
    if (typeof key === "string") covered.add(key);
    else if (key === UNKNOWN) unknownKeys = true;
  }
  // A route key computed from a Route is unknown at preview: that Route is the one it names.
  const fromRoutes = new Set(
    unknownKeys ? (stage.propertyDependencies.routeSettings ?? []).map((dep) => dep.urn) : [],
  );
  return routes
    .filter((route) => {
      const key = read(route, "routeKey");
      return !(typeof key === "string" && covered.has(key)) && !fromRoutes.has(route.urn);
    })
    .map((route) => {
      const key = read(route, "routeKey");
      return typeof key === "string" ? key : `Route "${route.name}"`;
    });
}

/**
 * routeSettings entries whose own throttling (where they set it) lifts the route above the limits:
 * "POST /send: throttlingRateLimit is -1". A field left out inherits defaultRouteSettings.
 */
function routeOverrideProblems(stage: PolicyResource, config: HttpStagesThrottledConfig): string[] {
  const entries = dig(stage.props, "routeSettings");
  if (entries === UNKNOWN) return ["every route: they are not known before deployment"];
  const count = Array.isArray(entries) ? entries.length : 0;
  const problems: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const key = dig(entries, index, "routeKey");
    const route = typeof key === "string" ? key : `entry ${index + 1}`;
    for (const [label, max] of [
      ["throttlingRateLimit", config.maxRateLimit],
      ["throttlingBurstLimit", config.maxBurstLimit],
    ] as const) {
      const value = dig(entries, index, label);
      if (value === undefined || value === null) continue;
      if (value === UNKNOWN) problems.push(`${route}: ${label} is not known before deployment`);
      else if (typeof value !== "number" || value <= 0) {
        problems.push(`${route}: ${label} is ${String(value)}; it must be above 0`);
      } else if (value > max) {
        problems.push(`${route}: ${label} is ${value}, above the allowed maximum of ${max}`);
      }
    }
  }
  return problems;
}

function limitsProblem(settings: unknown, config: HttpStagesThrottledConfig): string | undefined {
  if (settings === UNKNOWN) return "are not known before deployment";
  if (settings === undefined || settings === null) return "are not set";
  for (const [label, max] of [
    ["throttlingRateLimit", config.maxRateLimit],
    ["throttlingBurstLimit", config.maxBurstLimit],
  ] as const) {
    const value = dig(settings, label);
    if (value === UNKNOWN) return `${label} is not known before deployment`;
    if (typeof value !== "number") return `have no ${label}`;
    if (value <= 0) return `${label} is ${value}; it must be above 0`;
    if (value > max) return `${label} is ${value}, above the allowed maximum of ${max}`;
  }
  return undefined;
}
