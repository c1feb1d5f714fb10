// One line a user can act on for each way a program cannot run under the check.
import { stripVTControlCharacters } from "node:util";

/** What the program's process reports about the error that stopped the program. */
export interface ProgramFailure {
  name: string;
  message: string;
  code?: string;
}

const MISSING_MODULE = /Cannot find (?:module|package) '([^']+)'/;
const TS_MISSING_MODULE = /error TS2307: Cannot find module '([^']+)'/;

/** The package a bare import names (`@scope/name/sub` -> `@scope/name`), or undefined. */
export function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith(".") || specifier.startsWith("/") || specifier.startsWith("node:")) {
    return undefined;
  }
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

export function missingPackageLine(pkg: string, installDir: string): string {
  return `the program needs ${pkg}, which is not installed; run npm install in ${installDir}`;
}

export function describeProgramFailure(
  failure: ProgramFailure,
  installDir: string,
  pass: "preview" | "update" = "preview",
): string {
  const missing = TS_MISSING_MODULE.exec(failure.message) ?? MISSING_MODULE.exec(failure.message);
  const pkg = missing ? packageOf(missing[1]) : undefined;
  if (pkg) return missingPackageLine(pkg, installDir);
  if (failure.name === "TSError" || /error TS\d+:/.test(failure.message)) {
    const errors = failure.message
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => /error TS\d+:/.test(line));
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : "";
    return `the program does not compile: ${errors[0] ?? firstLine(failure.message)}${more}`;
  }
  if (failure.message.startsWith("Error serializing")) {
    return serializationLine(failure.message, pass);
  }
  return `the program failed under ${pass}: ${firstLine(failure.message) || failure.name}`;
}

/** Pulumi's closure serializer explains over many lines; the first variable and the cause act. */
function serializationLine(message: string, pass: string): string {
  const flat = message.replace(/\s+/g, " ");
  const variable = /variable '([^']+)'/.exec(flat);
  const cause = /could not be serialized because (.+?)\.(?: Function code:|$)/.exec(flat);
  return [
    `the program failed under ${pass}: ${firstLine(message)}`,
    variable ? `, through variable '${variable[1]}'` : "",
    cause ? `: ${cause[1]}` : "",
  ].join("");
}

const UNHANDLED = /^Running program '[^']*' failed with an unhandled exception:\n/;

/** The error the language host logged, as a name and a message (its stack left out). */
export function loggedFailure(logged: string): ProgramFailure {
  const text = stripVTControlCharacters(logged).replace(UNHANDLED, "");
  // util.inspect's form (older SDKs) may start with a circular-reference marker, `<ref *1> `.
  const named = /^\s*(?:<ref \*\d+>\s*)?(\w*(?:Error|Exception)): ([\s\S]*)$/.exec(text);
  const [name, message] = named ? [named[1], named[2]] : ["Error", text];
  // A stack's frames are the host's detail, not the program's message.
  const withoutStack = message
    .split("\n")
    .filter((line) => !/^\s+at /.test(line))
    .join("\n");
  return { name, message: withoutStack };
}

export function firstLine(text: string): string {
  return (
    text
      .split("\n")
      .map((line) => line.trim())
      .find(Boolean) ?? ""
  );
}
