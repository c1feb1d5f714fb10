// What `pulumi stack export` would write after an update of a program run under the engine: the
// registrations the runner captured, as an `apitype.UntypedDeployment` of version 3 (pulumi/pulumi,
// sdk/go/common/apitype/core.go), with the root Stack resource and the default provider the
// engine adds, and every secret encrypted (a ciphertext the check cannot and must not read).
import { createHash } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SECRET_SIG, SIG_KEY } from "../../tools/engine/registration";
import type { ProgramRun } from "./pulumi";
import { PROJECT_DIR } from "./pulumi";

/** A stand-in ciphertext, shaped like the service's (`v1:<nonce>:<sealed>`), never the value. */
export function ciphertextOf(value: unknown): string {
  const digest = createHash("sha256").update(JSON.stringify(value)).digest("base64");
  return `v1:${digest.slice(0, 16)}:${digest.slice(16)}`;
}

const sealed = (value: unknown) => ({ [SIG_KEY]: SECRET_SIG, ciphertext: ciphertextOf(value) });

export function stackExportOf(run: ProgramRun): {
  version: number;
  deployment: Record<string, unknown>;
} {
  const prefix = `urn:pulumi:${run.stackName}::${run.projectName}::`;
  const stackUrn = `${prefix}pulumi:pulumi:Stack::${run.projectName}-${run.stackName}`;
  const providerUrn = `${prefix}pulumi:providers:aws::default_7_48_0`;
  const providerRef = `${providerUrn}::04b1f3a3-6c1e-4d0e-9a53-1b6f0f2c1f6d`;
  const seal = (values: Record<string, unknown>, secretKeys: string[]) =>
    Object.fromEntries(
      Object.entries(values).map(([key, value]) => [
        key,
        secretKeys.includes(key) ? sealed(value) : value,
      ]),
    );
  const registered = run.resources.filter((resource) => resource.type !== "pulumi:pulumi:Stack");
  const resources = [
    { urn: stackUrn, custom: false, type: "pulumi:pulumi:Stack", outputs: run.outputs },
    {
      urn: providerUrn,
      custom: true,
      id: "04b1f3a3-6c1e-4d0e-9a53-1b6f0f2c1f6d",
      type: "pulumi:providers:aws",
      inputs: { region: "us-east-1", version: "7.48.0" },
      outputs: { region: "us-east-1", version: "7.48.0" },
    },
    ...registered.map((resource) => ({
      urn: resource.urn,
      custom: resource.custom,
      ...(resource.custom ? { id: `${resource.name}-id` } : {}),
      type: resource.type,
      inputs: seal(resource.inputs, resource.secretPaths),
      outputs: seal(resource.outputs, resource.secretPaths),
      parent: resource.parent ?? stackUrn,
      ...(resource.options.protect ? { protect: true } : {}),
      dependencies: resource.dependencies,
      ...(resource.custom ? { provider: resource.provider ?? providerRef } : {}),
      propertyDependencies: resource.propertyDependencies,
      ...(resource.options.additionalSecretOutputs
        ? { additionalSecretOutputs: resource.options.additionalSecretOutputs }
        : {}),
      created: "2026-11-20T10:00:00Z",
      modified: "2026-11-20T10:00:00Z",
    })),
  ];
  return {
    version: 3,
    deployment: {
      manifest: {
        time: "2026-11-20T10:00:00Z",
        magic: "0f2b1e5c8d7a6e4b3c2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c",
        version: "v3.270.0",
      },
      secrets_providers: {
        type: "service",
        state: { url: "https://api.pulumi.com", owner: "example-org", project: run.projectName },
      },
      resources,
    },
  };
}

export function writeJson(dir: string, name: string, value: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(value, null, 2));
  return file;
}

/** A copy of the project's program, sharing the checkout's node_modules, with one file edited. */
export function mutantProgram(file: string, from: string, to: string): string {
  const dir = mkdtempSync(join(tmpdir(), "mailer-api-mutant-"));
  for (const entry of [
    "index.ts",
    "Pulumi.yaml",
    "Pulumi.prod.yaml",
    "tsconfig.json",
    // The tsconfig Pulumi.yaml names for the language host.
    "tsconfig.pulumi.json",
    "package.json",
  ]) {
    cpSync(join(PROJECT_DIR, entry), join(dir, entry));
  }
  for (const folder of ["infra", "handlers", "contracts"]) {
    cpSync(join(PROJECT_DIR, folder), join(dir, folder), { recursive: true });
  }
  symlinkSync(join(PROJECT_DIR, "node_modules"), join(dir, "node_modules"));
  const source = readFileSync(join(dir, file), "utf8");
  if (!source.includes(from)) throw new Error(`${file} no longer contains ${from}`);
  writeFileSync(join(dir, file), source.replace(from, to));
  return dir;
}
