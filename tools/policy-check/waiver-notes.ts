// The pack reports a waived violation, and a waiver that waived nothing, as advisory diagnostics
// whose first line names the waiver (policy-pack/policies/waivers.ts). The reports show the
// waiver's fields, taken from the config the pack was given.
import { names, waiverNote, type Waiver } from "../../policy-pack/policies/waivers";
import type { Diagnostic, PolicyConfigEntry } from "./analyzer-client";

export interface WaiverFinding extends Waiver {
  /** waived: the violation does not fail the run; unused: the waiver waived nothing. */
  status: "waived" | "unused";
}

export type Finding = Diagnostic & { waiver?: WaiverFinding };

export function withWaivers(
  diagnostics: Diagnostic[],
  config: Record<string, PolicyConfigEntry>,
): Finding[] {
  return diagnostics.map((diagnostic) => {
    const note = waiverNote(diagnostic.message);
    if (!note || diagnostic.enforcementLevel !== "advisory") return diagnostic;
    const waivers = (config[diagnostic.policyName]?.properties.waivers ?? []) as Waiver[];
    const waiver =
      waivers.find(
        (candidate) =>
          candidate.resource === note.resource &&
          (!diagnostic.urn || names(candidate, diagnostic.urn)),
      ) ?? waivers.find((candidate) => candidate.resource === note.resource);
    if (!waiver) return diagnostic;
    const { resource, reason, owner, expires } = waiver;
    return { ...diagnostic, waiver: { resource, reason, owner, expires, status: note.kind } };
  });
}
