// Which topics, queues, buckets and event buses anyone may write to, and which of them make a
// Lambda function run. A source is open when its own policy (or ACL) lets anyone write, or when an
// open source delivers to it (a public topic's queue subscription, a public bucket's notification
// to a queue, a public bus's rule targeting a topic...): scoping the last hop does not close it.
import type { PolicyResource } from "@pulumi/policy";
import { publicGrant } from "./resource-policy-documents";
import {
  TYPES,
  UNKNOWN,
  describe,
  dig,
  ofType,
  read,
  relatedThrough,
  type Known,
  type TypeToken,
} from "./stack-resources";

/** The default event bus, which every account has without declaring it. */
const DEFAULT_BUS = "default event bus";
const LAMBDA_ARN = /^arn:aws[\w-]*:lambda:/;

export interface Trigger {
  /** The resource that makes the source run the function (subscription, mapping, notification, target). */
  resource: PolicyResource;
  /** The source's key (a URN, or DEFAULT_BUS). */
  source: string;
  /** The function, as a message names it. */
  fn: string;
  /** Only deliveries from other sources count (an event rule pinned to this account's events). */
  deliveriesOnly?: boolean;
}

interface Delivery {
  from: string;
  to: string;
  via: PolicyResource;
}

/** Why anyone may write to a source: a reason, or UNKNOWN with what could not be read. */
export type Openness = { reason: string } | { unknown: string };

export interface EventSourceGraph {
  /** Sources anyone may write to directly. */
  direct: Map<string, Openness>;
  /** Sources reached from another open source, with the path. */
  delivered: Map<string, Openness>;
  triggers: Trigger[];
  label: (key: string) => string;
}

const SOURCES: Array<{ type: TypeToken; action: string[]; noun: string }> = [
  { type: TYPES.topic, action: ["sns:Publish"], noun: "publish to" },
  { type: TYPES.queue, action: ["sqs:SendMessage"], noun: "send messages to" },
  {
    type: TYPES.bucket,
    action: [
      "s3:PutObject",
      "s3:DeleteObject",
      "s3:PutObjectTagging",
      "s3:PutObjectAcl",
      "s3:RestoreObject",
    ],
    noun: "write objects to",
  },
  { type: TYPES.eventBus, action: ["events:PutEvents"], noun: "put events on" },
];

export function eventSourceGraph(resources: PolicyResource[]): EventSourceGraph {
  const byUrn = new Map(resources.map((resource) => [resource.urn, resource]));
  const label = (key: string) => {
    const resource = byUrn.get(key);
    return resource ? describe(resource) : key;
  };
  const direct = new Map<string, Openness>();
  for (const source of SOURCES) {
    for (const resource of ofType(resources, source.type)) {
      const openness = directOpenness(resource, resources, source.action);
      if (openness) direct.set(resource.urn, openness);
    }
  }
  const defaultBus = busOpenness(undefined, resources);
  if (defaultBus) direct.set(DEFAULT_BUS, defaultBus);

  const { deliveries, triggers } = edges(resources);
  const delivered = new Map<string, Openness>();
  const reach = (key: string) => direct.get(key) ?? delivered.get(key);
  for (let changed = true; changed;) {
    changed = false;
    for (const delivery of deliveries) {
      const upstream = reach(delivery.from);
      if (!upstream || delivered.has(delivery.to) || direct.has(delivery.to)) continue;
      const via = `${label(delivery.from)} delivers to it (${describe(delivery.via)})`;
      delivered.set(
        delivery.to,
        "reason" in upstream
          ? { reason: `${via}, and ${upstream.reason}` }
          : { unknown: `${via}, and ${upstream.unknown}` },
      );
      changed = true;
    }
  }
  return { direct, delivered, triggers, label };
}

/** Whether anyone may write to a topic, queue, bucket or bus directly. */
function directOpenness(
  resource: PolicyResource,
  resources: PolicyResource[],
  actions: string[],
): Openness | undefined {
  if (isOfType(resource, TYPES.eventBus)) return busOpenness(resource, resources);
  const documents: Array<[PolicyResource, unknown]> = [[resource, read(resource, "policy")]];
  const attached = [
    ...holders(resources, TYPES.topicPolicy, "arn", resource, TYPES.topic),
    ...holders(resources, TYPES.queuePolicy, "queueUrl", resource, TYPES.queue),
    ...holders(resources, TYPES.bucketPolicy, "bucket", resource, TYPES.bucket),
  ];
  for (const holder of attached) documents.push([holder, read(holder, "policy")]);
  const bucket = isOfType(resource, TYPES.bucket);
  const blocks = bucket ? publicAccessBlocks(resource, resources) : new Set<string>();
  for (const [holder, document] of documents) {
    const grant = publicGrant(document, actions);
    if (grant === undefined) continue;
    const who = `${describe(holder)}${holder === resource ? "'s policy" : ""}`;
    if (grant === UNKNOWN) {
      return {
        unknown: `${who} is not known before deployment, so it cannot be shown not to let anyone ${actions.join("/")}`,
      };
    }
    if (bucket && (blocks.has("restrictPublicBuckets") || blocks.has("blockPublicPolicy"))) {
      if (grant.includes('Principal "*"')) continue;
    }
    return { reason: `anyone may write to it: ${who}, ${grant}` };
  }
  if (bucket && !blocks.has("ignorePublicAcls") && !blocks.has("blockPublicAcls")) {
    const acl = publicWriteAcl(resource, resources);
    if (acl) return { reason: `anyone may write objects to it: ${acl}` };
  }
  return undefined;
}

function isOfType(resource: PolicyResource, type: TypeToken): boolean {
  return ofType([resource], type).length > 0;
}

/** Resources of `type` whose `property` was computed from `owner` (or holds its name). */
function holders(
  resources: PolicyResource[],
  type: TypeToken,
  property: string,
  owner: PolicyResource,
  ownerType: TypeToken,
): PolicyResource[] {
  if (!isOfType(owner, ownerType)) return [];
  return ofType(resources, type).filter((holder) => refersTo(holder, property, owner));
}

/** Whether `property` of `holder` names `owner`: computed from it, or its literal name or ARN. */
function refersTo(holder: PolicyResource, property: string, owner: PolicyResource): boolean {
  if ((holder.propertyDependencies[property] ?? []).some((dep) => dep.urn === owner.urn)) {
    return true;
  }
  const value = read(holder, property);
  if (typeof value !== "string") return false;
  const names = ["name", "bucket"]
    .map((key) => read(owner, key))
    .filter((n) => typeof n === "string");
  return names.some(
    (name) =>
      value === name || value.endsWith(`:${String(name)}`) || value.endsWith(`/${String(name)}`),
  );
}

/** The bus named by `eventBusName` (undefined: the default bus). */
function busKey(holder: PolicyResource, resources: PolicyResource[]): string {
  const [bus] = relatedThrough(holder, "eventBusName", TYPES.eventBus);
  if (bus) return bus.urn;
  const name = read(holder, "eventBusName");
  if (name === undefined || name === null || name === "" || name === "default") return DEFAULT_BUS;
  const named = ofType(resources, TYPES.eventBus).find((candidate) => {
    const own = read(candidate, "name");
    return (
      typeof name === "string" &&
      typeof own === "string" &&
      (name === own || name.endsWith(`/${own}`))
    );
  });
  return named?.urn ?? `event bus ${String(name === UNKNOWN ? "unknown at preview" : name)}`;
}

/** A bus's openness from its EventBusPolicy and EventPermission resources. */
function busOpenness(
  bus: PolicyResource | undefined,
  resources: PolicyResource[],
): Openness | undefined {
  const key = bus?.urn ?? DEFAULT_BUS;
  for (const policy of ofType(resources, TYPES.eventBusPolicy)) {
    if (busKey(policy, resources) !== key) continue;
    const grant = publicGrant(read(policy, "policy"), ["events:PutEvents"]);
    if (grant === UNKNOWN) {
      return {
        unknown: `${describe(policy)} is not known before deployment, so it cannot be shown not to let anyone put events`,
      };
    }
    if (grant) return { reason: `anyone may put events on it: ${describe(policy)}, ${grant}` };
  }
  for (const permission of ofType(resources, TYPES.eventPermission)) {
    if (busKey(permission, resources) !== key) continue;
    const principal = read(permission, "principal");
    const condition = read(permission, "condition");
    if (principal === "*" && (condition === undefined || condition === null)) {
      return {
        reason: `anyone may put events on it: ${describe(permission)} grants events:PutEvents to principal "*" with no aws:PrincipalOrgID condition`,
      };
    }
    if (principal === UNKNOWN) {
      return {
        unknown: `${describe(permission)} has a principal not known before deployment, so it cannot be shown not to let anyone put events`,
      };
    }
  }
  return undefined;
}

const BLOCK_FLAGS = [
  "blockPublicAcls",
  "blockPublicPolicy",
  "ignorePublicAcls",
  "restrictPublicBuckets",
];

/** Public access block flags in force on a bucket (its own block, or the account's). */
function publicAccessBlocks(bucket: PolicyResource, resources: PolicyResource[]): Set<string> {
  const blocks = [
    ...holders(resources, TYPES.bucketPublicAccessBlock, "bucket", bucket, TYPES.bucket),
    ...ofType(resources, TYPES.accountPublicAccessBlock),
  ];
  return new Set(BLOCK_FLAGS.filter((flag) => blocks.some((block) => read(block, flag) === true)));
}

const EVERYONE = /\/global\/(AllUsers|AuthenticatedUsers)$/;

/** A canned or explicit ACL that lets anyone write objects. */
function publicWriteAcl(bucket: PolicyResource, resources: PolicyResource[]): string | undefined {
  const holdersOfAcl = [
    bucket,
    ...holders(resources, TYPES.bucketAcl, "bucket", bucket, TYPES.bucket),
  ];
  for (const holder of holdersOfAcl) {
    if (read(holder, "acl") === "public-read-write") {
      return `${describe(holder)} sets the canned ACL "public-read-write"`;
    }
    const grants = [
      ...arrayAt(holder, "grants"),
      ...arrayAt(holder, "accessControlPolicy", "grants"),
    ];
    for (const grant of grants) {
      const uri = dig(grant, "uri") ?? dig(grant, "grantee", "uri");
      const permissions = [dig(grant, "permissions") ?? dig(grant, "permission")].flat();
      if (
        typeof uri === "string" &&
        EVERYONE.test(uri) &&
        permissions.some((p) => p === "WRITE" || p === "FULL_CONTROL")
      ) {
        return `${describe(holder)} grants ${String(permissions.join("/"))} to ${uri.split("/").pop()}`;
      }
    }
  }
  return undefined;
}

function arrayAt(resource: PolicyResource, ...path: string[]): unknown[] {
  const value = read(resource, ...path);
  return Array.isArray(value) ? value.map((_item, index) => dig(value, index)) : [];
}

/** The function a property names: a Lambda of this stack, a literal Lambda ARN, or undefined. */
function functionNamed(holder: PolicyResource, property: string, value: unknown): Known<string> {
  const [fn] = relatedThrough(holder, property, TYPES.lambdaFunction);
  if (fn) return `function "${fn.name}"`;
  if (typeof value === "string" && LAMBDA_ARN.test(value))
    return `function ${value.split(":").slice(6).join(":")}`;
  return value === UNKNOWN && (holder.propertyDependencies[property] ?? []).length === 0
    ? UNKNOWN
    : undefined;
}

/** Sources' deliveries to one another, and their triggers of functions. */
function edges(resources: PolicyResource[]): { deliveries: Delivery[]; triggers: Trigger[] } {
  const deliveries: Delivery[] = [];
  const triggers: Trigger[] = [];
  const sourceOf = (holder: PolicyResource, property: string, type: TypeToken) =>
    relatedThrough(holder, property, type)[0]?.urn ??
    ofType(resources, type).find((owner) => refersTo(holder, property, owner))?.urn;

  for (const subscription of ofType(resources, TYPES.topicSubscription)) {
    const topic = sourceOf(subscription, "topic", TYPES.topic);
    if (!topic) continue;
    const protocol = read(subscription, "protocol");
    const endpoint = read(subscription, "endpoint");
    if (protocol === "lambda" || protocol === UNKNOWN) {
      const fn = functionNamed(subscription, "endpoint", endpoint);
      triggers.push({ resource: subscription, source: topic, fn: described(fn, "a function") });
    }
    const queue = sourceOf(subscription, "endpoint", TYPES.queue);
    if (queue) deliveries.push({ from: topic, to: queue, via: subscription });
  }
  for (const mapping of ofType(resources, TYPES.eventSourceMapping)) {
    const queue = sourceOf(mapping, "eventSourceArn", TYPES.queue);
    if (!queue) continue;
    const fn = functionNamed(mapping, "functionName", read(mapping, "functionName"));
    triggers.push({ resource: mapping, source: queue, fn: described(fn, "a function") });
  }
  for (const policy of [
    ...ofType(resources, TYPES.queue),
    ...ofType(resources, TYPES.queueRedrivePolicy),
  ]) {
    const from = isOfType(policy, TYPES.queue)
      ? policy.urn
      : sourceOf(policy, "queueUrl", TYPES.queue);
    const [dlq] = relatedThrough(policy, "redrivePolicy", TYPES.queue);
    if (from && dlq && dlq.urn !== from) deliveries.push({ from, to: dlq.urn, via: policy });
  }
  for (const notification of ofType(resources, TYPES.bucketNotification)) {
    const bucket = sourceOf(notification, "bucket", TYPES.bucket);
    if (!bucket) continue;
    const lambdas = arrayAt(notification, "lambdaFunctions");
    if (lambdas.length > 0) {
      const fn = functionNamed(
        notification,
        "lambdaFunctions",
        dig(lambdas, 0, "lambdaFunctionArn"),
      );
      triggers.push({ resource: notification, source: bucket, fn: described(fn, "a function") });
    }
    for (const type of [TYPES.topic, TYPES.queue]) {
      for (const target of relatedThrough(
        notification,
        type === TYPES.topic ? "topics" : "queues",
        type,
      )) {
        deliveries.push({ from: bucket, to: target.urn, via: notification });
      }
    }
    if (read(notification, "eventbridge") === true) {
      deliveries.push({ from: bucket, to: DEFAULT_BUS, via: notification });
    }
  }
  for (const target of ofType(resources, TYPES.eventTarget)) {
    const [rule] = relatedThrough(target, "rule", TYPES.eventRule);
    const bus = busKey(rule ?? target, resources);
    const arn = read(target, "arn");
    const fn = functionNamed(target, "arn", arn);
    if (fn !== undefined) {
      triggers.push({
        resource: target,
        source: bus,
        fn: described(fn, "a target not known before deployment"),
        deliveriesOnly: rule ? pinnedToAccounts(rule) : false,
      });
    }
    for (const type of [TYPES.topic, TYPES.queue, TYPES.eventBus]) {
      for (const next of relatedThrough(target, "arn", type)) {
        deliveries.push({ from: bus, to: next.urn, via: target });
      }
    }
  }
  return { deliveries, triggers };
}

function described(fn: Known<string>, fallback: string): string {
  return typeof fn === "string" ? fn : fallback;
}

/** An event pattern that only matches events sent by named accounts: others' PutEvents never match. */
function pinnedToAccounts(rule: PolicyResource): boolean {
  const pattern = read(rule, "eventPattern");
  if (typeof pattern !== "string") return false;
  try {
    const account = (JSON.parse(pattern) as { account?: unknown }).account;
    return (
      Array.isArray(account) &&
      account.length > 0 &&
      account.every((item) => typeof item === "string" && /^\d{12}$/.test(item))
    );
  } catch {
    return false;
  }
}
