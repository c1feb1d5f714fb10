// A deployed stack as the pack sees it: the JSON `pulumi stack export` writes (an
// `apitype.UntypedDeployment` of version 3 holding a `DeploymentV3`, see pulumi/pulumi's
// sdk/go/common/apitype/core.go), turned into the resources the engine would send AnalyzeStack.
// No program runs and nothing is decrypted: a secret is handed to the pack as an unknown value.
import { readFileSync } from "node:fs";
import { TYPES } from "../../policy-pack/policies/resource-types";
import type { RegisteredResource } from "../engine/program-run";
import { CheckError } from "./check-error";

/** Pulumi's sentinel for a value not known (here: kept secret), as the engine sends it. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
const ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";
const SUPPORTED_VERSION = 3;

/** The packages (first part of a type token) of the resources the pack's policies read. */
export const JUDGED_PACKAGES = new Set(
  Object.values(TYPES)
    .flat()
    .map((type) => type.split(":")[0]),
);

export interface StackExport {
  stackName: string;
  projectName: string;
  resources: RegisteredResource[];
  /** Custom resources of providers the pack does not judge, counted by package. */
  skipped: Record<string, number>;
  /** Resources with a value kept secret, which the pack sees as unknown. */
  secretResources: number;
}

interface ResourceV3 {
  urn: string;
  custom: boolean;
  delete?: boolean;
  type: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  parent?: string;
  protect?: boolean;
  dependencies?: string[];
  provider?: string;
  propertyDependencies?: Record<string, string[] | null>;
  additionalSecretOutputs?: string[];
  aliases?: string[];
  customTimeouts?: unknown;
  ignoreChanges?: string[];
}

/** Reads an export from a file, or from standard input for "-". */
export function readStackExport(file: string): StackExport {
  const name = file === "-" ? "standard input" : file;
  let text: string;
  try {
    text = readFileSync(file === "-" ? 0 : file, "utf8");
  } catch (error) {
    throw new CheckError(`cannot read the stack export ${name}: ${messageOf(error)}`);
  }
  return parseStackExport(text, name);
}

export function parseStackExport(text: string, name: string): StackExport {
  const bad = (what: string) =>
    new CheckError(`${name} is not a \`pulumi stack export\` file: ${what}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw bad(`not JSON (${messageOf(error)}); a cut-off file is not JSON either`);
  }
  if (!isRecord(parsed)) throw bad("not a JSON object");
  if (parsed.version === undefined) throw bad('no "version"');
  if (parsed.version !== SUPPORTED_VERSION) {
    throw bad(
      `deployment version ${JSON.stringify(parsed.version)}; only version ${SUPPORTED_VERSION} is read (export it again with a current Pulumi CLI)`,
    );
  }
  const deployment = parsed.deployment;
  if (!isRecord(deployment)) throw bad('no "deployment" object');
  if (!isRecord(deployment.manifest)) throw bad('the deployment has no "manifest"');
  const list = deployment.resources ?? [];
  if (!Array.isArray(list)) throw bad('"deployment.resources" is not a list');

  const skipped: Record<string, number> = {};
  const resources: RegisteredResource[] = [];
  let secretResources = 0;
  for (const [index, entry] of list.entries()) {
    if (!isRecord(entry) || typeof entry.urn !== "string" || typeof entry.type !== "string") {
      throw bad(`resource ${index} has no "urn" or "type"`);
    }
    const resource = entry as unknown as ResourceV3;
    // A resource marked for deletion is an old copy the next update removes.
    if (resource.delete) continue;
    const judgedPackage = packageOf(resource.type);
    if (resource.custom && !JUDGED_PACKAGES.has(judgedPackage)) {
      skipped[judgedPackage] = (skipped[judgedPackage] ?? 0) + 1;
      continue;
    }
    const secret = { found: false };
    // What was recorded after the last update, with inputs where no output was recorded.
    const properties = {
      ...(plainValue(resource.inputs ?? {}, secret) as Record<string, unknown>),
      ...(plainValue(resource.outputs ?? {}, secret) as Record<string, unknown>),
    };
    if (secret.found) secretResources += 1;
    resources.push(toRegistered(resource, properties));
  }
  const [, stackName = "", projectName = ""] =
    /^urn:pulumi:([^:]+)::([^:]+)::/.exec(resources[0]?.urn ?? "") ?? [];
  return { stackName, projectName, resources, skipped, secretResources };
}

function packageOf(type: string): string {
  const [first, second, third] = type.split(":");
  // Provider resources (`pulumi:providers:aws`) belong to the package they configure.
  return first === "pulumi" && second === "providers" ? third : first;
}

function toRegistered(
  resource: ResourceV3,
  properties: Record<string, unknown>,
): RegisteredResource {
  const propertyDependencies: Record<string, string[]> = {};
  for (const [key, urns] of Object.entries(resource.propertyDependencies ?? {})) {
    propertyDependencies[key] = urns ?? [];
  }
  return {
    urn: resource.urn,
    type: resource.type,
    name: resource.urn.slice(resource.urn.lastIndexOf("::") + 2),
    custom: resource.custom,
    ...(resource.parent ? { parent: resource.parent } : {}),
    inputs: properties,
    secretPaths: [],
    outputs: {},
    dependencies: resource.dependencies ?? [],
    propertyDependencies,
    ...(resource.provider ? { provider: resource.provider } : {}),
    options: {
      ...(resource.protect ? { protect: true } : {}),
      ...(resource.ignoreChanges?.length ? { ignoreChanges: resource.ignoreChanges } : {}),
      ...(resource.aliases?.length ? { aliases: resource.aliases } : {}),
      ...(resource.customTimeouts ? { customTimeouts: resource.customTimeouts } : {}),
      ...(resource.additionalSecretOutputs?.length
        ? { additionalSecretOutputs: resource.additionalSecretOutputs }
        : {}),
    },
  };
}

/** State values as plain JSON: a secret (ciphertext or not) becomes unknown, never read. */
function plainValue(value: unknown, secret: { found: boolean }): unknown {
  if (Array.isArray(value)) return value.map((item) => plainValue(item, secret));
  if (!isRecord(value)) return value;
  switch (value[SIG_KEY]) {
    case SECRET_SIG:
      secret.found = true;
      return UNKNOWN;
    case RESOURCE_SIG:
      return typeof value.id === "string" && value.id !== "" ? value.id : value.urn;
    case ASSET_SIG:
    case ARCHIVE_SIG:
      return { path: value.path ?? null, archive: value[SIG_KEY] === ARCHIVE_SIG };
    default:
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [key, plainValue(item, secret)]),
      );
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
