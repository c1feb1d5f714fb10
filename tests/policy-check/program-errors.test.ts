// The one line the check prints for each way a program fails to load or run.
import {
  describeProgramFailure,
  loggedFailure,
  packageOf,
} from "../../tools/policy-check/program-errors";

const DIR = "/work/site";

describe("describeProgramFailure", () => {
  it("names a missing package and where to install it, from Node's require error", () => {
    const failure = {
      name: "Error",
      code: "MODULE_NOT_FOUND",
      message: "Cannot find module '@pulumi/awsx/classic'\nRequire stack:\n- /work/site/index.ts",
    };
    expect(describeProgramFailure(failure, DIR)).toBe(
      "the program needs @pulumi/awsx, which is not installed; run npm install in /work/site",
    );
  });

  it("names a missing package from the type checker's error", () => {
    const failure = {
      name: "TSError",
      message:
        "⨯ Unable to compile TypeScript:\nindex.ts(1,22): error TS2307: Cannot find module 'aws-lambda' or its corresponding type declarations.",
    };
    expect(describeProgramFailure(failure, DIR)).toBe(
      "the program needs aws-lambda, which is not installed; run npm install in /work/site",
    );
  });

  it("gives the first compiler error and how many more", () => {
    const failure = {
      name: "TSError",
      message:
        "⨯ Unable to compile TypeScript:\nindex.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.\nindex.ts(9,1): error TS2304: Cannot find name 'x'.",
    };
    expect(describeProgramFailure(failure, DIR)).toBe(
      "the program does not compile: index.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'. (and 1 more)",
    );
  });

  it("treats a missing file of the program's own as the program's error, not a dependency", () => {
    const failure = {
      name: "Error",
      code: "MODULE_NOT_FOUND",
      message: "Cannot find module './routes'\nRequire stack:\n- /work/site/index.ts",
    };
    expect(describeProgramFailure(failure, DIR)).toBe(
      "the program failed under preview: Cannot find module './routes'",
    );
  });

  it("names the captured variable and the cause of a closure that cannot be serialized", () => {
    const failure = {
      name: "Error",
      message:
        "Error serializing 'async (event) => { try { return awai ...': index.ts(47,25)\n\n'async (event) => { try { return awai ...': index.ts(47,25): referenced\n  function 'authenticate': index.ts(100,27): which captured\n    variable 'util' which indirectly referenced\n      function 'promisify': which captured\n                        function 'bound call': which could not be serialized because\n                          it was a native code function.\n\nFunction code:\n  function () { [native code] }\n",
    };
    expect(describeProgramFailure(failure, DIR)).toBe(
      "the program failed under preview: Error serializing 'async (event) => { try { return awai ...': index.ts(47,25), through variable 'util': it was a native code function",
    );
  });

  it("keeps only the first line of any other error", () => {
    const failure = { name: "Error", message: "no bucket name\n    at index.ts:3:9" };
    expect(describeProgramFailure(failure, DIR)).toBe(
      "the program failed under preview: no bucket name",
    );
  });
});

it.each([
  ["@pulumi/aws/lambda", "@pulumi/aws"],
  ["yaml", "yaml"],
  ["lodash/fp", "lodash"],
  ["./local", undefined],
  ["node:fs", undefined],
])("packageOf(%p) is %p", (specifier, pkg) => {
  expect(packageOf(specifier)).toBe(pkg);
});

describe("loggedFailure: the error a program's language host logged to the engine", () => {
  const prefix = "Running program '/work/site' failed with an unhandled exception:\n";

  it("keeps the error's own message, without the host's preamble and the stack", () => {
    const failure = loggedFailure(
      `${prefix}Error: this fixture program always fails\n    at Object.<anonymous> (/work/site/index.ts:3:7)\n    at Module._compile (node:internal/modules/cjs/loader:1781:14)`,
    );
    expect(failure).toEqual({ name: "Error", message: "this fixture program always fails" });
    expect(describeProgramFailure(failure, DIR)).toBe(
      "the program failed under preview: this fixture program always fails",
    );
  });

  it("reads SDK 3.100's util.inspect form, which starts with a reference marker", () => {
    const failure = loggedFailure(
      `${prefix}<ref *1> Error: the bucket name lookup failed\n    at Timeout._onTimeout (/work/site/index.ts:6:28)`,
    );
    expect(describeProgramFailure(failure, DIR, "update")).toBe(
      "the program failed under update: the bucket name lookup failed",
    );
  });

  it("keeps a compiler error's lines, which name the file", () => {
    const failure = loggedFailure(
      `${prefix}TSError: ⨯ Unable to compile TypeScript:\nindex.ts(8,7): error TS2375: Type 'x' is not assignable.`,
    );
    expect(failure.name).toBe("TSError");
    expect(describeProgramFailure(failure, DIR)).toBe(
      "the program does not compile: index.ts(8,7): error TS2375: Type 'x' is not assignable.",
    );
  });

  it("takes a message logged without a preamble (a ResourceError, a RunError) as it is", () => {
    expect(loggedFailure("Invalid config mailer-api:mailFrom: it is not set.")).toEqual({
      name: "Error",
      message: "Invalid config mailer-api:mailFrom: it is not set.",
    });
  });
});
