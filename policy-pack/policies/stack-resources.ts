// Reading a stack the way the engine hands it to a policy, including at `pulumi preview`, when
// ids and many outputs are unknown. Relations between resources are found through dependencies
// and property dependencies, which are known even when the ids they stand for are not.
import { UnknownValueError, type PolicyResource } from "@pulumi/policy";

export const TYPES = {
  restApi: "aws:apigateway/restApi:RestApi",
  restApiPut: "aws:apigateway/restApiPut:RestApiPut",
  integration: "aws:apigateway/integration:Integration",
  apiResource: "aws:apigateway/resource:Resource",
  method: "aws:apigateway/method:Method",
  authorizer: "aws:apigateway/authorizer:Authorizer",
  stage: "aws:apigateway/stage:Stage",
  methodSettings: "aws:apigateway/methodSettings:MethodSettings",
  usagePlan: "aws:apigateway/usagePlan:UsagePlan",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  policy: "aws:iam/policy:Policy",
  rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  /** `@pulumi/aws-apigateway`'s component: offline only its inputs are registered. */
  restApiComponent: "aws-apigateway:index:RestAPI",
  httpApi: "aws:apigatewayv2/api:Api",
  httpRoute: "aws:apigatewayv2/route:Route",
  httpStage: "aws:apigatewayv2/stage:Stage",
  httpAuthorizer: "aws:apigatewayv2/authorizer:Authorizer",
  functionUrl: "aws:lambda/functionUrl:FunctionUrl",
  lambdaPermission: "aws:lambda/permission:Permission",
  lambdaResourcePolicy: "aws:lambda/resourcePolicy:ResourcePolicy",
  loadBalancer: ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"],
  listener: ["aws:lb/listener:Listener", "aws:alb/listener:Listener"],
  listenerRule: ["aws:lb/listenerRule:ListenerRule", "aws:alb/listenerRule:ListenerRule"],
  targetGroup: ["aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup"],
  webAclAssociation: "aws:wafv2/webAclAssociation:WebAclAssociation",
  webAcl: "aws:wafv2/webAcl:WebAcl",
  // Event sources that can trigger a function, AppSync, CloudFormation and Cloud Control.
  lambdaFunction: ["aws:lambda/function:Function", "aws:lambda/alias:Alias"],
  topic: "aws:sns/topic:Topic",
  topicPolicy: "aws:sns/topicPolicy:TopicPolicy",
  topicSubscription: "aws:sns/topicSubscription:TopicSubscription",
  queue: "aws:sqs/queue:Queue",
  queuePolicy: "aws:sqs/queuePolicy:QueuePolicy",
  queueRedrivePolicy: "aws:sqs/redrivePolicy:RedrivePolicy",
  eventSourceMapping: "aws:lambda/eventSourceMapping:EventSourceMapping",
  bucket: ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"],
  bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
  bucketAcl: ["aws:s3/bucketAcl:BucketAcl", "aws:s3/bucketAclV2:BucketAclV2"],
  bucketPublicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  accountPublicAccessBlock: "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock",
  bucketNotification: "aws:s3/bucketNotification:BucketNotification",
  eventBus: "aws:cloudwatch/eventBus:EventBus",
  eventBusPolicy: "aws:cloudwatch/eventBusPolicy:EventBusPolicy",
  eventPermission: "aws:cloudwatch/eventPermission:EventPermission",
  eventRule: "aws:cloudwatch/eventRule:EventRule",
  eventTarget: "aws:cloudwatch/eventTarget:EventTarget",
  graphQlApi: "aws:appsync/graphQLApi:GraphQLApi",
  appSyncDataSource: "aws:appsync/dataSource:DataSource",
  cfnStack: ["aws:cloudformation/stack:Stack", "aws:cloudformation/stackSet:StackSet"],
  cloudControlResource: "aws:cloudcontrol/resource:Resource",
  identityPool: "aws:cognito/identityPool:IdentityPool",
  identityPoolRoles: "aws:cognito/identityPoolRoleAttachment:IdentityPoolRoleAttachment",
  role: "aws:iam/role:Role",
} as const;

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
 * literal id otherwise, "unknown" when neither is known.
 */
export function ownerKey(
  resource: PolicyResource,
  properties: readonly string[],
  type: TypeToken,
): string {
  for (const property of properties) {
    const [owner] = relatedThrough(resource, property, type);
    if (owner) return owner.urn;
  }
  for (const property of properties) {
    const value = read(resource, property);
    if (typeof value === "string") return `id:${value}`;
  }
  return "unknown";
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
  return ownerKey(resource, ["restApi", "restApiId", "apiId"], TYPES.restApi);
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
}

/**
 * Which stage does this cover: `reference` names `stage` when it was computed from the stage (or
 * from the `@pulumi/aws-apigateway` component that owns it), or when it holds the stage's name on
 * the same API. A stage name alone never counts: every API can have a stage called "prod".
 */
export function coversStage(
  resource: PolicyResource,
  reference: StageReference,
  stage: PolicyResource,
): boolean {
  const fromStage = resource.propertyDependencies[reference.stageProperty] ?? [];
  const component = stage.parent?.type === TYPES.restApiComponent ? stage.parent.urn : undefined;
  if (fromStage.some((dep) => dep.urn === stage.urn || dep.urn === component)) return true;
  const stageName = read(stage, "stageName");
  if (typeof reference.stageName !== "string" || reference.stageName !== stageName) return false;
  return sameRestApi(resource, reference, stage);
}

/** Literal ids when both are known (one entry of a list); else the API each was computed from. */
function sameRestApi(
  resource: PolicyResource,
  reference: StageReference,
  stage: PolicyResource,
): boolean {
  const stageApiId = read(stage, "restApi");
  if (typeof reference.apiId === "string" && typeof stageApiId === "string") {
    return reference.apiId === stageApiId;
  }
  const apis = relatedThrough(resource, reference.apiProperty, TYPES.restApi).map((api) => api.urn);
  if (apis.length > 0) return apis.includes(restApiKey(stage));
  const literal = typeof reference.apiId === "string" ? `id:${reference.apiId}` : "unknown";
  return literal === restApiKey(stage);
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
