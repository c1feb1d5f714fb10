// Reading a stack the way the engine hands it to a policy, including at `pulumi preview`, when
// ids and many outputs are unknown. Relations between resources are found through dependencies
// and property dependencies, which are known even when the ids they stand for are not.
import { UnknownValueError, type PolicyResource } from "@pulumi/policy";

import { TYPES } from "./resource-types";

export { TYPES };

/** The properties through which API Gateway resources name their API. */
const API_PROPERTIES: readonly string[] = ["restApi", "restApiId", "apiId"];

/** A type token, or the tokens one resource goes by (aws.lb and its alias aws.alb). */
export type TypeToken = string | readonly string[];

function isOfType(resource: PolicyResource, type: TypeToken): boolean {
  return typeof type === "string" ? resource.type === type : type.includes(resource.type);
}

/** A value not known until the resource exists (at preview). */
export const UNKNOWN: unique symbol = Symbol("unknown");
export type Known<T> = T | typeof UNKNOWN | undefined;

/** Reads a property path without tripping the engine's unknown-value check. */
export function read(resource: PolicyResource, ...path: string[]): unknown {
  return dig(resource.props, ...path);
}

/** Reads a path inside a value taken from a resource's properties (array indexes included). */
export function dig(from: unknown, ...path: Array<string | number>): unknown {
  let value: unknown = from;
  try {
    for (const key of path) {
      if (value === null || typeof value !== "object") return undefined;
      value = (value as Record<string | number, unknown>)[key];
    }
    return value;
  } catch (error) {
    if (error instanceof UnknownValueError) return UNKNOWN;
    throw error;
  }
}

function isOfAnyType(resource: PolicyResource, type: TypeToken | readonly TypeToken[]): boolean {
  return typeof type === "string"
    ? resource.type === type
    : type.some((t) => isOfType(resource, t));
}

export function ofType(resources: PolicyResource[], type: TypeToken): PolicyResource[] {
  return resources.filter((resource) => isOfType(resource, type));
}

/** Resources of `type` that a property of `resource` was computed from. */
export function relatedThrough(
  resource: PolicyResource,
  property: string,
  type: TypeToken,
): PolicyResource[] {
  return (resource.propertyDependencies[property] ?? []).filter((dep) => isOfType(dep, type));
}

/**
 * Which resource of `type` another belongs to through one of `properties` (an API through
 * `apiId`, a function through `functionName`): its URN when the input was computed from it, the
 * literal id otherwise, "unknown" when neither is known. An input computed from a sibling of the
 * owner (`restApi: resource.restApi`, `apiId: integration.apiId`) leads to the owner through that
 * sibling's own property dependencies, at preview as at update.
 */
export function ownerKey(
  resource: PolicyResource,
  properties: readonly string[],
  type: TypeToken,
): string {
  const [owner] = ownersThrough(resource, properties, type);
  if (owner) return owner.urn;
  for (const property of properties) {
    const value = read(resource, property);
    if (typeof value === "string") return `id:${value}`;
  }
  return "unknown";
}

/** Every resource of `type` that `properties` of `resource` were computed from, through siblings. */
export function ownersThrough(
  resource: PolicyResource,
  properties: readonly string[],
  type: TypeToken | readonly TypeToken[],
  depth = 0,
  // A sibling names the owner through its own API property, whatever this resource calls it.
  siblingProperties: readonly string[] = [...new Set([...properties, ...API_PROPERTIES])],
): PolicyResource[] {
  const owners: PolicyResource[] = [];
  for (const property of properties) {
    for (const dep of resource.propertyDependencies[property] ?? []) {
      if (isOfAnyType(dep, type)) owners.push(dep);
      else if (depth < 5) {
        owners.push(...ownersThrough(dep, siblingProperties, type, depth + 1, siblingProperties));
      }
    }
  }
  return [...new Set(owners)];
}

/** The resource a key from `ownerKey` names, when it is in the stack. */
export function byKey(resources: PolicyResource[], key: string): PolicyResource | undefined {
  return resources.find((resource) => resource.urn === key);
}

/**
 * Which REST API a resource belongs to: the RestApi resource its `restApi` (or `restApiId`) input
 * was computed from, or, for a literal id, that id.
 */
export function restApiKey(resource: PolicyResource): string {
  return ownerKey(resource, API_PROPERTIES, TYPES.restApi);
}

/** How a resource names a REST API stage: the properties it was computed from, and what they hold. */
export interface StageReference {
  /** The property whose dependencies show the stage it was computed from. */
  stageProperty: string;
  /** The property whose dependencies show the API it was computed from. */
  apiProperty: string;
  /** The stage name it holds. */
  stageName: unknown;
  /** The API id it holds beside the stage name. */
  apiId: unknown;
  /** One entry of a list property (a usage plan's apiStages): dependencies mix the entries. */
  listEntry?: boolean;
}

/**
 * Which stage does this cover: `reference` names `stage` when its stage part was computed from the
 * stage (or from the `@pulumi/aws-apigateway` component that owns it) or holds the stage's name,
 * AND its API part names the stage's API. A stage name alone never counts (every API can have a
 * stage called "prod"), and neither does a stage of API A paired with API B.
 */
export function coversStage(
  resource: PolicyResource,
  reference: StageReference,
  stage: PolicyResource,
): boolean {
  const fromStage = resource.propertyDependencies[reference.stageProperty] ?? [];
  const component = stage.parent?.type === TYPES.restApiComponent ? stage.parent.urn : undefined;
  const ownName = read(stage, "stageName");
  // Names known on both sides are compared: a list's dependencies mix its entries, and a name
  // computed from a stage need not be that stage's name.
  const namesStage =
    typeof reference.stageName === "string" && typeof ownName === "string"
      ? reference.stageName === ownName
      : fromStage.some((dep) => dep.urn === stage.urn || dep.urn === component);
  return namesStage && sameRestApi(resource, reference, stage);
}

/**
 * The keys a REST API goes by: the RestApi resources a stage-like resource was computed from
 * (through siblings), the `@pulumi/aws-apigateway` component owning them or it, or a literal id.
 */
export function restApiKeys(resource: PolicyResource, properties = API_PROPERTIES): Set<string> {
  const keys = new Set<string>();
  const owners = ownersThrough(resource, properties, [TYPES.restApi, TYPES.restApiComponent]);
  for (const owner of owners) {
    keys.add(owner.urn);
    if (owner.parent?.type === TYPES.restApiComponent) keys.add(owner.parent.urn);
  }
  if (resource.parent?.type === TYPES.restApiComponent) keys.add(resource.parent.urn);
  if (keys.size === 0) {
    for (const property of properties) {
      const value = read(resource, property);
      if (typeof value === "string") keys.add(`id:${value}`);
    }
  }
  return keys;
}

/**
 * Whether the reference's API part names the stage's API: literal ids when both are known;
 * otherwise every API it was computed from must be the stage's (for one entry of a list, any:
 * a list's property dependencies mix its entries).
 */
function sameRestApi(
  resource: PolicyResource,
  reference: StageReference,
  stage: PolicyResource,
): boolean {
  const stageApiId = read(stage, "restApi");
  if (typeof reference.apiId === "string" && typeof stageApiId === "string") {
    return reference.apiId === stageApiId;
  }
  const stageApis = restApiKeys(stage);
  const named = [...restApiKeys(resource, [reference.apiProperty])].filter(
    (key) => !key.startsWith("id:"),
  );
  if (named.length > 0) {
    const shared = named.filter((key) => stageApis.has(key));
    return reference.listEntry ? shared.length > 0 : shared.length === named.length;
  }
  return typeof reference.apiId === "string" && stageApis.has(`id:${reference.apiId}`);
}

export function describe(resource: PolicyResource): string {
  return `${resource.type.split(":").pop()} "${resource.name}"`;
}

/** "POST /items/{id}" for a REST API method, from its path resources as far as they are known. */
export function methodRoute(method: PolicyResource): string {
  const segments: string[] = [];
  let [current] = relatedThrough(method, "resourceId", TYPES.apiResource);
  for (let depth = 0; current && depth < 30; depth += 1) {
    const part = read(current, "pathPart");
    segments.unshift(typeof part === "string" ? part : "?");
    [current] = relatedThrough(current, "parentId", TYPES.apiResource);
  }
  const onRoot = relatedThrough(method, "resourceId", TYPES.restApi).length > 0;
  const path =
    segments.length > 0 || onRoot
      ? `/${segments.join("/")}`
      : `on resource ${String(read(method, "resourceId"))}`;
  const verb = read(method, "httpMethod");
  return `${typeof verb === "string" ? verb : "?"} ${path}`;
}

/**
 * A method's own integrations: on the same API, the same resource and the same verb (a literal
 * verb equal to the method's, or one computed from the method). An integration of another method
 * built from this one (`resourceId: options.resourceId`) is not its own.
 */
export function ownIntegrations(
  method: PolicyResource,
  integrations: PolicyResource[],
): PolicyResource[] {
  const verb = read(method, "httpMethod");
  return integrations.filter((integration) => {
    const integrationVerb = read(integration, "httpMethod");
    const fromMethod = (integration.propertyDependencies.httpMethod ?? []).some(
      (dep) => dep.urn === method.urn,
    );
    const sameVerb =
      fromMethod ||
      (typeof integrationVerb === "string" && integrationVerb === verb) ||
      (integrationVerb === UNKNOWN && typeof verb !== "string");
    return (
      sameVerb &&
      restApiKey(integration) === restApiKey(method) &&
      resourceKey(integration) === resourceKey(method)
    );
  });
}

/** The path resource a method or integration is on (through siblings), or the API's root. */
export function resourceKey(resource: PolicyResource): string {
  const types = [TYPES.apiResource, TYPES.restApi];
  const [owner] = ownersThrough(resource, ["resourceId"], types, 0, ["resourceId"]);
  if (owner) return isOfType(owner, TYPES.restApi) ? `${owner.urn}#root` : owner.urn;
  const value = read(resource, "resourceId");
  return typeof value === "string" ? `id:${value}` : "unknown";
}

/** Whether a method hands requests to code: any own integration not a MOCK, or none shown. */
export function runsCode(method: PolicyResource, integrations: PolicyResource[]): boolean {
  const own = ownIntegrations(method, integrations);
  return own.length === 0 || own.some((integration) => read(integration, "type") !== "MOCK");
}

/** A method's path as MethodSettings name it: "~1send/POST", the root "~1/POST". */
export function methodSettingsPath(method: PolicyResource): string {
  const route = methodRoute(method);
  const [verb, path] = [route.slice(0, route.indexOf(" ")), route.slice(route.indexOf(" ") + 1)];
  return `${path.startsWith("/") ? path.replace(/\//g, "~1") : "?"}/${verb}`;
}

/** Whether a MethodSettings `methodPath` (with `*` wildcards) applies to the method path. */
export function methodPathMatches(pattern: string, path: string): boolean {
  const split = (value: string) => {
    const at = value.lastIndexOf("/");
    return [value.slice(0, at), value.slice(at + 1)];
  };
  const [patternPath, patternVerb] = split(pattern);
  const [resourcePath, verb] = split(path);
  const part = (want: string, have: string) => want === "*" || have.includes("?") || want === have;
  return part(patternPath, resourcePath) && part(patternVerb, verb);
}
