// What a CloudFormation template (or a Cloud Control resource's desired state) creates, as the
// resources the pack's other policies judge: each entry-point type is translated into the
// @pulumi/aws resource it corresponds to (AWS::Lambda::Url into aws.lambda.FunctionUrl, ...),
// with `Ref`/`Fn::GetAtt` turned into property dependencies and their values unknown, as Pulumi
// shows a computed value at preview. Values the template cannot fix (pseudo parameters, `Fn::If`,
// imports) are unknown too, so a policy that needs them refuses rather than guesses.
import { unknownCheckingProxy, type PolicyResource } from "@pulumi/policy";
import { parse as parseYaml } from "yaml";
import { OPAQUE, TRANSLATORS } from "./cloudformation-translators";
import { TYPES } from "./stack-resources";

/** The engine's marker for a value unknown at preview (the SDK's `runtime.unknownValue`). */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const NO_VALUE = Symbol("AWS::NoValue");

type Json = Record<string, unknown>;

/** The short-form intrinsics (`!Ref`, `!GetAtt`, `!Sub`...) as the long form, for JSON and YAML alike. */
const INTRINSICS = [
  "Ref",
  "GetAtt",
  "Sub",
  "Join",
  "If",
  "Select",
  "Split",
  "FindInMap",
  "ImportValue",
  "Base64",
  "Cidr",
  "GetAZs",
  "Equals",
  "And",
  "Or",
  "Not",
  "Condition",
  "Transform",
  "ToJsonString",
  "Length",
];
const CUSTOM_TAGS = INTRINSICS.flatMap((name) => {
  const key = name === "Ref" || name === "Condition" ? name : `Fn::${name}`;
  const scalar = (value: string) => (name === "GetAtt" ? value.split(".") : value);
  return [
    { tag: `!${name}`, resolve: (value: string) => ({ [key]: scalar(value) }) },
    {
      tag: `!${name}`,
      collection: "seq" as const,
      resolve: (seq: { toJSON(): unknown }) => ({ [key]: seq.toJSON() }),
    },
    {
      tag: `!${name}`,
      collection: "map" as const,
      resolve: (map: { toJSON(): unknown }) => ({ [key]: map.toJSON() }),
    },
  ];
});

/** Parses a template given as JSON or YAML (short-form intrinsics included); throws with a reason. */
export function parseTemplate(text: string): Json {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    try {
      parsed = parseYaml(text, { customTags: CUSTOM_TAGS });
    } catch (error) {
      const reason = (error as Error).message.split("\n")[0];
      throw new Error(`it is neither JSON nor YAML (${reason})`, { cause: error });
    }
  }
  if (!isObject(parsed)) throw new Error("it is not a template");
  return parsed;
}

/** A resource the template creates, as a policy sees it, and where it came from. */
export interface Created {
  resource: PolicyResource;
  logicalId: string;
  cfnType: string;
}

export interface Translation {
  created: Created[];
  /** Things in the template the pack cannot see into (a SAM transform, a nested stack...). */
  unreadable: string[];
}

interface Pending {
  type: string;
  name: string;
  logicalId: string;
  cfnType: string;
  props: Json;
  deps: Map<string, Set<string>>;
}

/** Evaluates intrinsics against the template's parameters and mappings. */
class Evaluator {
  constructor(
    private readonly template: Json,
    private readonly parameters: Record<string, unknown>,
    private readonly resources: Set<string>,
  ) {}

  /** A value with its intrinsics resolved (unknown where they cannot be), and the resources it refers to. */
  value(raw: unknown, deps: Set<string>): unknown {
    if (Array.isArray(raw)) {
      return raw.map((item) => this.value(item, deps)).filter((item) => item !== NO_VALUE);
    }
    if (!isObject(raw)) return raw;
    const keys = Object.keys(raw);
    if (keys.length === 1 && (keys[0] === "Ref" || keys[0].startsWith("Fn::"))) {
      return this.intrinsic(keys[0], raw[keys[0]], deps);
    }
    const out: Json = {};
    for (const key of keys) {
      const value = this.value(raw[key], deps);
      if (value !== NO_VALUE) out[key] = value;
    }
    return out;
  }

  private intrinsic(name: string, argument: unknown, deps: Set<string>): unknown {
    switch (name) {
      case "Ref":
        return this.ref(String(argument), deps);
      case "Fn::GetAtt": {
        const [logical] = Array.isArray(argument) ? argument : String(argument).split(".");
        if (typeof logical === "string" && this.resources.has(logical)) deps.add(logical);
        return UNKNOWN_VALUE;
      }
      case "Fn::Sub":
        return this.sub(argument, deps);
      case "Fn::Join": {
        const [separator, parts] = Array.isArray(argument) ? argument : [];
        const values = this.value(parts, deps);
        if (typeof separator !== "string" || !Array.isArray(values)) return UNKNOWN_VALUE;
        return values.every((part) => typeof part === "string" && part !== UNKNOWN_VALUE)
          ? values.join(separator)
          : UNKNOWN_VALUE;
      }
      case "Fn::Select": {
        const [index, list] = Array.isArray(argument) ? argument : [];
        const values = this.value(list, deps);
        const at = Number(this.value(index, deps));
        return Array.isArray(values) && Number.isInteger(at) && at < values.length
          ? values[at]
          : UNKNOWN_VALUE;
      }
      case "Fn::FindInMap": {
        const path = this.value(argument, deps);
        if (!Array.isArray(path) || !path.every((key) => typeof key === "string")) {
          return UNKNOWN_VALUE;
        }
        let found: unknown = this.template.Mappings;
        for (const key of path) found = isObject(found) ? found[key as string] : undefined;
        return found === undefined ? UNKNOWN_VALUE : this.value(found, deps);
      }
      case "Fn::If": {
        // Which branch applies depends on a condition evaluated at deployment: known only if both agree.
        const [, whenTrue, whenFalse] = Array.isArray(argument) ? argument : [];
        const a = this.value(whenTrue, deps);
        const b = this.value(whenFalse, deps);
        return JSON.stringify(a) === JSON.stringify(b) && a !== NO_VALUE ? a : UNKNOWN_VALUE;
      }
      default:
        this.value(argument, deps);
        return UNKNOWN_VALUE;
    }
  }

  private ref(name: string, deps: Set<string>): unknown {
    if (name === "AWS::NoValue") return NO_VALUE;
    if (this.resources.has(name)) {
      deps.add(name);
      return UNKNOWN_VALUE;
    }
    if (name in this.parameters) return this.parameters[name];
    const declared = isObject(this.template.Parameters)
      ? this.template.Parameters[name]
      : undefined;
    if (isObject(declared) && declared.Default !== undefined) return declared.Default;
    return UNKNOWN_VALUE;
  }

  private sub(argument: unknown, deps: Set<string>): unknown {
    const [text, variables] = Array.isArray(argument) ? argument : [argument, {}];
    if (typeof text !== "string") return UNKNOWN_VALUE;
    const own = isObject(variables) ? variables : {};
    let known = true;
    const result = text.replace(/\$\{([^!}][^}]*)\}/g, (_match, variable: string) => {
      const [logical] = variable.split(".");
      const value =
        variable in own
          ? this.value(own[variable], deps)
          : variable.includes(".")
            ? this.intrinsic("Fn::GetAtt", [logical], deps)
            : this.ref(variable, deps);
      if (typeof value !== "string" || value === UNKNOWN_VALUE) known = false;
      return String(value);
    });
    return known ? result : UNKNOWN_VALUE;
  }
}

/**
 * The resources `template` creates, as policies read them, owned by `owner` (the Stack or Cloud
 * Control resource): their URNs extend the owner's, so a message can name both.
 */
export function translateTemplate(
  template: Json,
  parameters: Record<string, unknown>,
  owner: PolicyResource,
): Translation {
  const resources = isObject(template.Resources) ? template.Resources : {};
  const evaluator = new Evaluator(template, parameters, new Set(Object.keys(resources)));
  const pending: Pending[] = [];
  const unreadable: string[] = [];
  const transform = [template.Transform ?? []].flat();
  if (transform.length > 0) {
    unreadable.push(
      `its Transform (${transform.map(String).join(", ")}) rewrites the template at deployment`,
    );
  }
  const schemas = new Map<string, unknown>();
  for (const [logicalId, definition] of Object.entries(resources)) {
    if (!isObject(definition)) continue;
    const cfnType = String(definition.Type);
    const props = isObject(definition.Properties) ? definition.Properties : {};
    if (cfnType === "AWS::AppSync::GraphQLSchema") {
      const deps = new Set<string>();
      evaluator.value(props.ApiId, deps);
      const schema =
        props.DefinitionS3Location !== undefined
          ? UNKNOWN_VALUE
          : evaluator.value(props.Definition, new Set());
      for (const api of deps) schemas.set(api, schema);
      continue;
    }
    if (OPAQUE[cfnType]) {
      unreadable.push(`${logicalId} is ${OPAQUE[cfnType]}`);
      continue;
    }
    const translate = TRANSLATORS[cfnType];
    if (!translate) continue;
    translate(props, (type, fields, suffix = "", extraDeps = {}) => {
      const entry: Pending = {
        type,
        name: `${logicalId}${suffix}`,
        logicalId,
        cfnType,
        props: {},
        deps: new Map(),
      };
      for (const [field, raw] of Object.entries(fields)) {
        if (raw === undefined) continue;
        const deps = new Set<string>();
        const value = evaluator.value(raw, deps);
        if (value === NO_VALUE) continue;
        entry.props[field] = asPulumiValue(type, field, value);
        if (deps.size > 0) entry.deps.set(field, deps);
      }
      for (const [field, logicals] of Object.entries(extraDeps)) {
        const set = entry.deps.get(field) ?? new Set<string>();
        for (const logical of logicals) set.add(logical === "self" ? logicalId : logical);
        entry.deps.set(field, set);
      }
      pending.push(entry);
    });
  }
  for (const entry of pending) {
    if (entry.type === TYPES.graphQlApi && schemas.has(entry.logicalId)) {
      entry.props.schema = schemas.get(entry.logicalId);
    }
  }
  return { created: toPolicyResources(pending, owner), unreadable };
}

/** A property as @pulumi/aws holds it: JSON documents as text, WAF rules in camelCase. */
function asPulumiValue(type: string, field: string, value: unknown): unknown {
  if (type === TYPES.webAcl && field === "rules") return camelCaseKeys(value);
  const asText = ["body", "eventPattern", "redrivePolicy"].includes(field);
  return asText && typeof value === "object" ? JSON.stringify(value) : value;
}

function toPolicyResources(pending: Pending[], owner: PolicyResource): Created[] {
  const byLogical = new Map<string, PolicyResource>();
  const created = pending.map((entry) => {
    const resource: PolicyResource = {
      type: entry.type,
      name: entry.name,
      urn: `${owner.urn}$cfn:${entry.cfnType}::${entry.name}`,
      props: unknownCheckingProxy(entry.props),
      opts: owner.opts,
      dependencies: [],
      propertyDependencies: {},
      isType: () => false,
      asType: () => undefined,
    };
    if (!byLogical.has(entry.logicalId)) byLogical.set(entry.logicalId, resource);
    return { resource, logicalId: entry.logicalId, cfnType: entry.cfnType };
  });
  pending.forEach((entry, index) => {
    const resource = created[index].resource;
    for (const [field, logicals] of entry.deps) {
      resource.propertyDependencies[field] = [...logicals]
        .map((logical) => byLogical.get(logical))
        .filter((dep): dep is PolicyResource => dep !== undefined && dep !== resource);
    }
    resource.dependencies = [...new Set(Object.values(resource.propertyDependencies).flat())];
  });
  return created;
}

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** CloudFormation's PascalCase keys as @pulumi/aws's camelCase (`IP` as `ip`), for WAF rules. */
function camelCaseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelCaseKeys);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key === key.toUpperCase() ? key.toLowerCase() : key[0].toLowerCase() + key.slice(1),
      camelCaseKeys(inner),
    ]),
  );
}
