// Which declared resource and method a request path reaches, as API Gateway routes: segment by
// segment, a literal part wins over a `{name}` parameter, which wins over a greedy `{name+}`
// (which must be the last part and takes the rest of the path). The path is taken as sent.
import type { MethodModel } from "./model";

export interface Route {
  method: MethodModel;
  /** Values of the template's parameters, or null when it has none (as in the proxy event). */
  pathParameters: Record<string, string> | null;
}

const LITERAL = 2;
const PARAMETER = 1;
const GREEDY = 0;

function segments(path: string): string[] {
  return path === "/" ? [] : path.slice(1).split("/");
}

/** The template's rank per segment and its parameters, when it matches the path. */
export function matchTemplate(
  template: string,
  path: string,
): { ranks: number[]; parameters: Record<string, string> } | undefined {
  const parts = segments(template);
  const actual = segments(path);
  const ranks: number[] = [];
  const parameters: Record<string, string> = {};
  for (let index = 0; index < parts.length; index += 1) {
    const part = parts[index];
    const greedy = /^\{(.+)\+\}$/.exec(part);
    if (greedy) {
      if (index !== parts.length - 1 || actual.length <= index) return undefined;
      parameters[greedy[1]] = actual.slice(index).join("/");
      ranks.push(GREEDY);
      return { ranks, parameters };
    }
    const value = actual[index];
    if (value === undefined || value === "") return undefined;
    const parameter = /^\{(.+)\}$/.exec(part);
    if (parameter) {
      parameters[parameter[1]] = value;
      ranks.push(PARAMETER);
    } else if (part === value) {
      ranks.push(LITERAL);
    } else {
      return undefined;
    }
  }
  return actual.length === parts.length ? { ranks, parameters } : undefined;
}

function compareRanks(a: number[], b: number[]): number {
  for (let index = 0; index < Math.min(a.length, b.length); index += 1) {
    if (a[index] !== b[index]) return b[index] - a[index];
  }
  return b.length - a.length;
}

export function findRoute(
  methods: MethodModel[],
  path: string,
  httpMethod: string,
): Route | undefined {
  const matches = [...new Set(methods.map((method) => method.resourcePath))]
    .map((template) => ({ template, match: matchTemplate(template, path) }))
    .filter((entry) => entry.match !== undefined)
    .sort((a, b) => compareRanks(a.match!.ranks, b.match!.ranks));
  const best = matches[0];
  if (best === undefined) return undefined;
  const onResource = methods.filter((method) => method.resourcePath === best.template);
  const method =
    onResource.find((candidate) => candidate.httpMethod === httpMethod) ??
    onResource.find((candidate) => candidate.httpMethod === "ANY");
  if (method === undefined) return undefined;
  const parameters = best.match!.parameters;
  return { method, pathParameters: Object.keys(parameters).length > 0 ? parameters : null };
}
