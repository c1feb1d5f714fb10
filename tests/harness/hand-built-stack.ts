// A stack written by hand, as the engine would hand it to a policy at preview: for red-team tables
// of many small variants, where a fixture program each would cost a program run each. Resources
// name their property dependencies by resource name; unknown values are the engine's marker.
import type { ProgramRun, RegisteredResource } from "../../tools/engine/program-run";

/** The engine's marker for a value not known at preview. */
export const UNKNOWN_AT_PREVIEW = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface HandBuilt {
  type: string;
  name: string;
  inputs?: Record<string, unknown>;
  /** Property name to the names of the resources it was computed from. */
  deps?: Record<string, string[]>;
}

export function handBuiltStack(resources: HandBuilt[]): ProgramRun {
  const urn = (name: string) => {
    const found = resources.find((resource) => resource.name === name);
    if (!found) throw new Error(`no resource named ${name}`);
    return `urn:pulumi:prod::red-team::${found.type}::${name}`;
  };
  return {
    projectName: "red-team",
    stackName: "prod",
    preview: true,
    outputs: {},
    secretOutputs: [],
    resources: resources.map((resource): RegisteredResource => ({
      urn: urn(resource.name),
      type: resource.type,
      name: resource.name,
      custom: true,
      inputs: resource.inputs ?? {},
      secretPaths: [],
      outputs: {},
      dependencies: [...new Set(Object.values(resource.deps ?? {}).flat())].map(urn),
      propertyDependencies: Object.fromEntries(
        Object.entries(resource.deps ?? {}).map(([property, names]) => [property, names.map(urn)]),
      ),
      options: {},
    })),
  };
}
