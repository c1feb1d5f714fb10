// The stack settings table of docs/deploy-and-operate.md, from the files the CLI reads: each key's
// type, default and description in Pulumi.yaml, its value in Pulumi.prod.yaml. Every key must be
// one infra/settings.ts reads, and every key it reads must be declared.
import { parse } from "yaml";
import { OPERATIONS_KEYS, PROJECT_NAME, SECRET_KEYS, SETTING_KEYS } from "../../infra/settings";
import { code, escapeText, table } from "./markdown";

interface DeclaredKey {
  type?: string;
  default?: unknown;
  secret?: boolean;
  description?: string;
}

const KNOWN_KEYS: readonly string[] = [...SECRET_KEYS, ...SETTING_KEYS, ...OPERATIONS_KEYS];

export function settingsTable(pulumiYaml: string, prodYaml: string): string {
  const declared = ((parse(pulumiYaml) as { config?: Record<string, DeclaredKey> }).config ??
    {}) as Record<string, DeclaredKey>;
  const prod = ((parse(prodYaml) as { config?: Record<string, unknown> }).config ?? {}) as Record<
    string,
    unknown
  >;
  const undeclared = KNOWN_KEYS.filter((key) => !(key in declared));
  const unread = Object.keys(declared).filter((key) => !KNOWN_KEYS.includes(key));
  if (undeclared.length > 0 || unread.length > 0) {
    throw new Error(
      `Pulumi.yaml and infra/settings.ts disagree: not declared ${undeclared.join(", ") || "-"}; ` +
        `not read ${unread.join(", ") || "-"}`,
    );
  }
  return table(
    ["key", "default", "prod", "meaning"],
    Object.entries(declared).map(([key, spec]) => [
      code(key),
      defaultCell(spec),
      prodCell(prod[`${PROJECT_NAME}:${key}`], spec),
      escapeText((spec.description ?? "").trim()),
    ]),
  );
}

function defaultCell(spec: DeclaredKey): string {
  if (spec.default === undefined) return spec.secret ? "required, secret" : "required";
  return spec.default === "" ? "empty" : code(String(spec.default));
}

function prodCell(value: unknown, spec: DeclaredKey): string {
  if (value === undefined) return spec.default === undefined ? "(you set it)" : "(default)";
  return value === "" ? "empty" : code(String(value));
}
