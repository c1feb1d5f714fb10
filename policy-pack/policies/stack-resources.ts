// Reading a stack the way the engine hands it to a policy, including at `pulumi preview`, when
// ids and many outputs are unknown. Relations between resources are found through dependencies
// and property dependencies, which are known even when the ids they stand for are not.
import { UnknownValueError, type PolicyResource } from "@pulumi/policy";

export const TYPES = {
  restApi: "aws:apigateway/restApi:RestApi",
  method: "aws:apigateway/method:Method",
  authorizer: "aws:apigateway/authorizer:Authorizer",
  stage: "aws:apigateway/stage:Stage",
  methodSettings: "aws:apigateway/methodSettings:MethodSettings",
  usagePlan: "aws:apigateway/usagePlan:UsagePlan",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  policy: "aws:iam/policy:Policy",
  rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
} as const;

/** A value not known until the resource exists (at preview). */
export const UNKNOWN: unique symbol = Symbol("unknown");
export type Known<T> = T | typeof UNKNOWN | undefined;

/** Reads a property path without tripping the engine's unknown-value check. */
export function read(resource: PolicyResource, ...path: string[]): unknown {
  let value: unknown = resource.props;
  try {
    for (const key of path) {
      if (value === null || typeof value !== "object") return undefined;
      value = (value as Record<string, unknown>)[key];
    }
    return value;
  } catch (error) {
    if (error instanceof UnknownValueError) return UNKNOWN;
    throw error;
  }
}

export function ofType(resources: PolicyResource[], type: string): PolicyResource[] {
  return resources.filter((resource) => resource.type === type);
}

/** Resources of `type` that a property of `resource` was computed from. */
export function relatedThrough(
  resource: PolicyResource,
  property: string,
  type: string,
): PolicyResource[] {
  return (resource.propertyDependencies[property] ?? []).filter((dep) => dep.type === type);
}

/**
 * Which REST API a resource belongs to: the RestApi resource its `restApi` (or `restApiId`) input
 * was computed from, or, for a literal id, that id.
 */
export function restApiKey(resource: PolicyResource): string {
  for (const property of ["restApi", "restApiId", "apiId"]) {
    const [api] = relatedThrough(resource, property, TYPES.restApi);
    if (api) return api.urn;
  }
  for (const property of ["restApi", "restApiId", "apiId"]) {
    const value = read(resource, property);
    if (typeof value === "string") return `id:${value}`;
  }
  return "unknown";
}

export function describe(resource: PolicyResource): string {
  return `${resource.type.split(":").pop()} "${resource.name}"`;
}
