// Reads a Pulumi project's config the way the CLI resolves it, without the CLI: the defaults
// declared in Pulumi.yaml's `config:` block, overridden by Pulumi.<stack>.yaml. Used by the test
// harness, the offline policy check and the local stack, so that all of them run on the real
// stack file rather than on a copy of its values.
import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

export interface StackConfig {
  projectName: string;
  stackName: string;
  /** Fully qualified keys ("mailer-api:rateLimit", "aws:region") to string values. */
  values: Record<string, string>;
  /** Keys whose value is encrypted in the stack file (`secure:`) or declared `secret: true`. */
  secretKeys: string[];
  /** Secret keys whose value is encrypted in the stack file and so cannot be read here. */
  encryptedKeys: string[];
  /** Keys declared in Pulumi.yaml with neither a default nor a value in the stack file. */
  missingKeys: string[];
}

interface ProjectFile {
  name?: unknown;
  config?: Record<string, unknown>;
}

export function loadStackConfig(projectDir: string, stackName: string): StackConfig {
  const projectFile = join(projectDir, "Pulumi.yaml");
  if (!existsSync(projectFile)) throw new Error(`${projectFile} not found: not a Pulumi project`);
  const project = (parse(readFileSync(projectFile, "utf8")) ?? {}) as ProjectFile;
  if (typeof project.name !== "string" || project.name === "") {
    throw new Error(`${projectFile} has no project name`);
  }
  const projectName = project.name;
  const qualify = (key: string) => (key.includes(":") ? key : `${projectName}:${key}`);

  const values: Record<string, string> = {};
  const secretKeys = new Set<string>();
  const declaredRequired = new Set<string>();
  for (const [rawKey, declaration] of Object.entries(project.config ?? {})) {
    const key = qualify(rawKey);
    if (isPlainObject(declaration)) {
      if (declaration.secret === true) secretKeys.add(key);
      if ("default" in declaration) values[key] = toConfigString(declaration.default);
      else if ("value" in declaration) values[key] = toConfigString(declaration.value);
      else declaredRequired.add(key);
    } else {
      values[key] = toConfigString(declaration);
    }
  }

  const stackFile = join(projectDir, `Pulumi.${stackName}.yaml`);
  const encryptedKeys: string[] = [];
  if (existsSync(stackFile)) {
    const stack = (parse(readFileSync(stackFile, "utf8")) ?? {}) as { config?: unknown };
    const config = isPlainObject(stack.config) ? stack.config : {};
    for (const [rawKey, value] of Object.entries(config)) {
      const key = qualify(rawKey);
      if (isPlainObject(value) && typeof value.secure === "string") {
        secretKeys.add(key);
        encryptedKeys.push(key);
        delete values[key];
        continue;
      }
      values[key] = toConfigString(value);
    }
  } else if (stackName !== "") {
    throw new Error(`${stackFile} not found: no stack named "${stackName}"`);
  }

  const missingKeys = [...declaredRequired].filter(
    (key) => !(key in values) && !encryptedKeys.includes(key),
  );
  return {
    projectName,
    stackName,
    values,
    secretKeys: [...secretKeys],
    encryptedKeys,
    missingKeys,
  };
}

/** Pulumi passes structured config to programs as JSON text and scalars as plain text. */
function toConfigString(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
