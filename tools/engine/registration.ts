// What a program registered, as the policy pack and the local stack read it: one RegisterResource
// request and the engine's answer to it, turned into plain JSON.

/** Pulumi's sentinel for a value not known until the resource exists. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
const ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";

export interface RegisteredResource {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  parent?: string;
  /** Plain JSON; unknowns as UNKNOWN; secrets unwrapped (see secretPaths); resources as id/urn. */
  inputs: Record<string, unknown>;
  /** Top-level input keys whose value is, or contains, a secret. */
  secretPaths: string[];
  outputs: Record<string, unknown>;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  provider?: string;
  /**
   * Read, not created (`Resource.get`): the engine puts it in the stack the pack's stack policies
   * judge (AnalyzeStack), but never analyzes it alone (Analyze).
   */
  read?: true;
  options: {
    protect?: boolean;
    ignoreChanges?: string[];
    deleteBeforeReplace?: boolean;
    aliases?: string[];
    customTimeouts?: unknown;
    additionalSecretOutputs?: string[];
  };
}

/** The parts of a RegisterResourceRequest (any 3.x SDK's generated class) read here. */
export interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): {
    forEach(callback: (value: { getUrnsList(): string[] }, key: string) => void): void;
  };
  getProvider(): string;
  getProtect(): boolean;
  getIgnorechangesList(): string[];
  getDeletebeforereplace(): boolean;
  getAliasesList(): Array<{ getUrn(): string }>;
  getCustomtimeouts(): { toObject(): unknown } | undefined;
  getAdditionalsecretoutputsList(): string[];
}

/** The parts of a ReadResourceRequest (any 3.x SDK's generated class) read here. */
export interface ReadRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getProperties(): { toJavaScript(): Record<string, unknown> } | undefined;
  getDependenciesList(): string[];
  getProvider(): string;
}

/** A resource the program read: what it said of it, and what the engine answered. */
export function describeRead(
  request: ReadRequest,
  answer: { urn: string; outputs: Record<string, unknown> },
): RegisteredResource {
  const secret = { found: false };
  const inputs = plainValue(request.getProperties()?.toJavaScript() ?? {}, secret) as Record<
    string,
    unknown
  >;
  return {
    urn: answer.urn,
    type: request.getType(),
    name: request.getName(),
    custom: true,
    ...(request.getParent() ? { parent: request.getParent() } : {}),
    inputs,
    secretPaths: [],
    outputs: plainValue(answer.outputs, { found: false }) as Record<string, unknown>,
    dependencies: request.getDependenciesList(),
    propertyDependencies: {},
    ...(request.getProvider() ? { provider: request.getProvider() } : {}),
    read: true,
    options: {},
  };
}

/** Maps a URN as the monitor gave it to the URN the engine would give (identity for the engine). */
export type UrnOf = (urn: string) => string;

/** A provider reference, `<urn>::<id>`, with its URN mapped. */
function providerReference(reference: string, urnOf: UrnOf): string {
  const split = reference.lastIndexOf("::");
  return split < 0 ? reference : `${urnOf(reference.slice(0, split))}${reference.slice(split)}`;
}

export function describeRegistration(
  request: RegisterRequest,
  answer: { urn: string; outputs: Record<string, unknown> },
  urnOf: UrnOf,
): RegisteredResource {
  const rawInputs = request.getObject()?.toJavaScript() ?? {};
  const inputs: Record<string, unknown> = {};
  const secretPaths: string[] = [];
  for (const [key, value] of Object.entries(rawInputs)) {
    const secret = { found: false, urnOf };
    inputs[key] = plainValue(value, secret);
    if (secret.found) secretPaths.push(key);
  }
  const propertyDependencies: Record<string, string[]> = {};
  request.getPropertydependenciesMap().forEach((value, key) => {
    propertyDependencies[key] = value.getUrnsList().map(urnOf);
  });
  const parent = request.getParent() ? urnOf(request.getParent()) : "";
  const provider = request.getProvider() ? providerReference(request.getProvider(), urnOf) : "";
  const ignoreChanges = request.getIgnorechangesList();
  const aliases = request
    .getAliasesList()
    .map((alias) => alias.getUrn())
    .filter(Boolean);
  const additionalSecretOutputs = request.getAdditionalsecretoutputsList();
  return {
    urn: answer.urn,
    type: request.getType(),
    name: request.getName(),
    custom: request.getCustom(),
    ...(parent ? { parent } : {}),
    inputs,
    secretPaths,
    outputs: plainValue(answer.outputs, { found: false }) as Record<string, unknown>,
    dependencies: request.getDependenciesList().map(urnOf),
    propertyDependencies,
    ...(provider ? { provider } : {}),
    options: {
      ...(request.getProtect() ? { protect: true } : {}),
      ...(ignoreChanges.length ? { ignoreChanges } : {}),
      ...(request.getDeletebeforereplace() ? { deleteBeforeReplace: true } : {}),
      ...(aliases.length ? { aliases } : {}),
      ...customTimeouts(request),
      ...(additionalSecretOutputs.length ? { additionalSecretOutputs } : {}),
    },
  };
}

function customTimeouts(request: RegisterRequest): { customTimeouts?: unknown } {
  const timeouts = request.getCustomtimeouts()?.toObject() as Record<string, string> | undefined;
  const set = Object.entries(timeouts ?? {}).filter(([, value]) => value !== "");
  return set.length ? { customTimeouts: Object.fromEntries(set) } : {};
}

/** Serialized property values (secrets, resource references, assets) as plain JSON. */
export function plainValue(value: unknown, secret: { found: boolean; urnOf?: UrnOf }): unknown {
  if (Array.isArray(value)) return value.map((item) => plainValue(item, secret));
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  switch (record[SIG_KEY]) {
    case SECRET_SIG:
      secret.found = true;
      return plainValue(record.value, secret);
    case RESOURCE_SIG: {
      const id = record.id;
      if (typeof id === "string") return id === "" ? UNKNOWN : id;
      return typeof record.urn === "string" && secret.urnOf ? secret.urnOf(record.urn) : record.urn;
    }
    case ASSET_SIG:
    case ARCHIVE_SIG:
      return {
        path: record.path ?? null,
        archive: record[SIG_KEY] === ARCHIVE_SIG,
        // A closure's code (CallbackFunction): the serialized text, as the engine receives it.
        ...(typeof record.text === "string" ? { text: record.text } : {}),
        ...(record.assets && typeof record.assets === "object"
          ? { assets: plainValue(record.assets, secret) }
          : {}),
      };
    default:
      return Object.fromEntries(
        Object.entries(record).map(([key, item]) => [key, plainValue(item, secret)]),
      );
  }
}
