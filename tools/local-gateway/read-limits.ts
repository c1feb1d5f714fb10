// The limits a program puts on its REST API, read from its registered resources: the stage (and
// its method settings' throttles), the usage plans (throttle, per-method throttles, daily quota)
// and the rate-based rules of the web ACLs associated with a stage. An unset half of a throttle
// is the account's default; whatever the gateway cannot emulate stops here (NotEmulatedError).
import type { RegisteredResource } from "../engine/program-run";
import type {
  MethodThrottleModel,
  RateBasedRuleModel,
  StageModel,
  ThrottleLimits,
  UsagePlanModel,
} from "./model";
import {
  NotEmulatedError,
  RESOURCE_TYPES,
  idOf,
  list,
  num,
  record,
  str,
  type Inputs,
} from "./read-inputs";

export function readStage(stage: RegisteredResource): StageModel {
  if (stage.inputs.cacheClusterEnabled === true) {
    throw new NotEmulatedError(stage, "the stage cache");
  }
  return {
    name: String(stage.inputs.stageName),
    methodThrottles: [],
    usagePlans: [],
    wafRateRules: [],
  };
}

function limitsOf(settings: Inputs, rate: string, burst: string): ThrottleLimits | undefined {
  const rateLimit = num(settings[rate]);
  const burstLimit = num(settings[burst]);
  if (rateLimit === undefined && burstLimit === undefined) return undefined;
  // An unset half is the account's default (10,000 rps, 5,000 burst).
  return { rateLimit: rateLimit ?? 10_000, burstLimit: burstLimit ?? 5_000 };
}

/** `*\/*`, or `{resource path without its leading slash}/{METHOD}`, `~1` standing for `/`. */
export function parseMethodPath(
  methodPath: string,
): { resourcePath: string; httpMethod: string } | undefined {
  if (methodPath === "*/*") return { resourcePath: "*", httpMethod: "*" };
  const slash = methodPath.lastIndexOf("/");
  if (slash < 0) return undefined;
  const path = methodPath.slice(0, slash).replace(/~1/g, "/");
  const httpMethod = methodPath.slice(slash + 1);
  if (httpMethod === "") return undefined;
  const resourcePath = path === "" || path === "/" ? "/" : `/${path.replace(/^\/+/, "")}`;
  return { resourcePath, httpMethod };
}

export function readMethodThrottle(settings: RegisteredResource): MethodThrottleModel | undefined {
  const limits = limitsOf(
    record(settings.inputs.settings),
    "throttlingRateLimit",
    "throttlingBurstLimit",
  );
  if (limits === undefined) return undefined;
  const path = parseMethodPath(String(settings.inputs.methodPath));
  if (path === undefined)
    throw new NotEmulatedError(settings, `methodPath ${String(settings.inputs.methodPath)}`);
  return { ...path, limits };
}

export function readUsagePlan(plan: RegisteredResource, apiId: string): UsagePlanModel | undefined {
  const apiStages = list(plan.inputs.apiStages)
    .map(record)
    .filter((s) => s.apiId === apiId);
  if (apiStages.length === 0) return undefined;
  const quotaSettings = record(plan.inputs.quotaSettings);
  let quota: UsagePlanModel["quota"];
  if (num(quotaSettings.limit) !== undefined) {
    if (quotaSettings.period !== "DAY" || (num(quotaSettings.offset) ?? 0) !== 0) {
      throw new NotEmulatedError(
        plan,
        `a quota per ${String(quotaSettings.period)} with offset ${String(quotaSettings.offset ?? 0)} (only DAY, offset 0)`,
      );
    }
    quota = { limit: num(quotaSettings.limit) as number, period: "DAY" };
  }
  const methodThrottles: UsagePlanModel["methodThrottles"] = [];
  for (const apiStage of apiStages) {
    for (const throttle of list(apiStage.throttles).map(record)) {
      const path = parseMethodPath(String(throttle.path).replace(/^\//, ""));
      const limits = limitsOf(throttle, "rateLimit", "burstLimit");
      if (path === undefined)
        throw new NotEmulatedError(plan, `throttle path ${String(throttle.path)}`);
      if (limits) methodThrottles.push({ ...path, limits, stage: String(apiStage.stage) });
    }
  }
  return {
    id: idOf(plan),
    name: plan.name,
    stages: apiStages.map((s) => String(s.stage)),
    throttle: limitsOf(record(plan.inputs.throttleSettings), "rateLimit", "burstLimit"),
    methodThrottles,
    quota,
    keys: [],
  };
}

/** Rate-based rules (aggregated by IP) of web ACLs associated with a stage of this API. */
export function readWebAcls(
  resources: RegisteredResource[],
  stageResources: RegisteredResource[],
  stageByName: Map<string, StageModel>,
): void {
  const acls = new Map(
    resources
      .filter((r) => r.type === RESOURCE_TYPES.webAcl)
      .map((acl) => [String(acl.outputs.arn), acl]),
  );
  for (const association of resources.filter((r) => r.type === RESOURCE_TYPES.webAclAssociation)) {
    const target = association.inputs.resourceArn;
    // The stage's arn output, or the ARN AWS documents for a stage, built from its inputs.
    const stage = stageResources.find(
      (s) =>
        s.outputs.arn === target ||
        (typeof target === "string" &&
          target.endsWith(
            `::/restapis/${String(s.inputs.restApi)}/stages/${String(s.inputs.stageName)}`,
          )),
    );
    if (stage === undefined) continue; // associated with something else than this API's stages
    const acl = acls.get(String(association.inputs.webAclArn));
    if (acl === undefined)
      throw new NotEmulatedError(association, "a web ACL the program does not declare");
    const model = stageByName.get(String(stage.inputs.stageName));
    model?.wafRateRules.push(...readRateRules(acl));
  }
}

function readRateRules(acl: RegisteredResource): RateBasedRuleModel[] {
  if (record(acl.inputs.defaultAction).allow === undefined) {
    throw new NotEmulatedError(acl, "a default action other than allow");
  }
  return list(acl.inputs.rules)
    .map(record)
    .flatMap((rule): RateBasedRuleModel[] => {
      const statement = record(record(rule.statement).rateBasedStatement);
      const action = record(rule.action);
      // AWS WAF's Challenge and CAPTCHA need its JavaScript integration: said at start, not run.
      const challenge = ["challenge", "captcha"].find((kind) => action[kind] !== undefined);
      if (challenge !== undefined && Object.keys(statement).length === 0) {
        return [{ name: String(rule.name), limit: 0, windowSeconds: 0, notEmulated: challenge }];
      }
      if (Object.keys(statement).length === 0 || action.block === undefined) {
        throw new NotEmulatedError(
          acl,
          `rule "${String(rule.name)}" (only rate-based rules that block, and challenges)`,
        );
      }
      const aggregate = str(statement.aggregateKeyType) ?? "IP";
      const method =
        statement.scopeDownStatement === undefined
          ? undefined
          : methodMatch(record(statement.scopeDownStatement));
      if (aggregate !== "IP" || method === null) {
        throw new NotEmulatedError(
          acl,
          `rule "${String(rule.name)}" aggregated by ${aggregate} or scoped down other than to one HTTP method`,
        );
      }
      return [
        {
          name: String(rule.name),
          limit: num(statement.limit) ?? 0,
          windowSeconds: num(statement.evaluationWindowSec) ?? 300,
          ...(method === undefined ? {} : { method }),
        },
      ];
    });
}

/** The method a scope-down statement matches exactly (a byte match on the method), else null. */
function methodMatch(statement: Record<string, unknown>): string | null {
  const match = record(statement.byteMatchStatement);
  const transforms = list(match.textTransformations).map(record);
  const exact =
    Object.keys(statement).length === 1 &&
    Object.keys(record(match.fieldToMatch)).join() === "method" &&
    match.positionalConstraint === "EXACTLY" &&
    transforms.every((transform) => transform.type === "NONE");
  return exact && typeof match.searchString === "string" ? match.searchString : null;
}
