// Which operations of an OpenAPI (Swagger 2 or OpenAPI 3) definition API Gateway would serve
// without an authorizer. API Gateway reads the authorizer of an operation from its `security`
// requirement (or the document's global one) and the named security scheme's
// `x-amazon-apigateway-authorizer` / `x-amazon-apigateway-authtype` extensions.
import { parse as parseYaml } from "yaml";

export interface OpenOperation {
  method: string;
  path: string;
  /** Why API Gateway would let anyone call it. */
  reason: string;
}

export interface OpenApiVerdict {
  operations: number;
  open: OpenOperation[];
}

export interface AuthorizerRules {
  /** Authorizer types that count (`token`, `request`, `cognito_user_pools`; `jwt` for HTTP APIs). */
  authorizerTypes: readonly string[];
  allowIam: boolean;
}

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const ANY_METHOD = "x-amazon-apigateway-any-method";

type Json = Record<string, unknown>;
type Requirement = Record<string, unknown>;

/** Parses a definition given as JSON or YAML text; throws with a short reason. */
export function parseDefinition(text: string): Json {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    try {
      parsed = parseYaml(text);
    } catch {
      throw new Error("it is neither JSON nor YAML");
    }
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new Error("it is not an OpenAPI document");
  }
  if (!isObject((parsed as Json).paths)) throw new Error("it has no `paths`");
  return parsed as Json;
}

export function openOperations(definition: Json, rules: AuthorizerRules): OpenApiVerdict {
  const { schemes, place } = securitySchemes(definition);
  const globalSecurity = definition.security;
  const verdict: OpenApiVerdict = { operations: 0, open: [] };
  for (const [path, item] of Object.entries(asObject(definition.paths))) {
    for (const [key, operation] of Object.entries(asObject(item))) {
      const method = key === ANY_METHOD ? "ANY" : key.toUpperCase();
      if (key !== ANY_METHOD && !METHODS.includes(key)) continue;
      verdict.operations += 1;
      const op = asObject(operation);
      if (method === "OPTIONS" && integrationType(op) === "mock") continue;
      const reason = securityProblem(op.security ?? globalSecurity, schemes, place, rules);
      if (reason) verdict.open.push({ method, path, reason });
    }
  }
  return verdict;
}

/**
 * The security schemes the document's own version defines, never a mix: Swagger 2
 * `securityDefinitions`, OpenAPI 3 `components.securitySchemes`. API Gateway reads only those.
 */
export function securitySchemes(definition: Json): { schemes: Json; place: string } {
  if (String(definition.swagger ?? "").startsWith("2")) {
    return {
      schemes: asObject(definition.securityDefinitions),
      place: "in the Swagger 2 document's securityDefinitions",
    };
  }
  if (String(definition.openapi ?? "").startsWith("3")) {
    return {
      schemes: asObject(asObject(definition.components).securitySchemes),
      place: "in the OpenAPI 3 document's components.securitySchemes",
    };
  }
  return { schemes: {}, place: "(the document declares neither `swagger: 2.0` nor `openapi: 3`)" };
}

function securityProblem(
  security: unknown,
  schemes: Json,
  place: string,
  rules: AuthorizerRules,
): string | undefined {
  if (security === undefined) return "it has no `security` requirement, nor does the document";
  if (!Array.isArray(security) || security.length === 0) {
    return "its `security` requirement is empty";
  }
  // Each entry is an alternative: a caller satisfying any one of them gets through.
  for (const requirement of security as Requirement[]) {
    const names = Object.keys(asObject(requirement));
    if (names.length === 0) return "its `security` allows anonymous callers (`{}`)";
    if (!names.some((name) => isAuthorizerScheme(schemes[name], rules))) {
      return `its \`security\` alternative ${names.map((name) => `"${name}"`).join(" + ")} names no authorizer scheme ${place}`;
    }
  }
  return undefined;
}

function isAuthorizerScheme(scheme: unknown, rules: AuthorizerRules): boolean {
  const definition = asObject(scheme);
  const authorizer = asObject(definition["x-amazon-apigateway-authorizer"]);
  const type = String(authorizer.type ?? "").toLowerCase();
  if (rules.authorizerTypes.includes(type)) return true;
  const authType = String(definition["x-amazon-apigateway-authtype"] ?? "").toLowerCase();
  if (authType === "awssigv4") return rules.allowIam;
  return authType === "cognito_user_pools" && Object.keys(authorizer).length > 0;
}

function integrationType(operation: Json): string {
  const integration = asObject(operation["x-amazon-apigateway-integration"]);
  return String(integration.type ?? "").toLowerCase();
}

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function asObject(value: unknown): Json {
  return isObject(value) ? value : {};
}
