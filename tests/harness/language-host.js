// Loads the program the way Pulumi's Node.js language host does (@pulumi/pulumi cmd/run/run.js):
// ts-node (the project's or Pulumi's vendored copy) with the project's TypeScript and tsconfig,
// and the compiler options the host adds. Run as a child process: `node language-host.js DIR`.
// Prints the program's export names as JSON, or exits 1 with the compiler's message.
const path = require("node:path");

const projectDir = path.resolve(process.argv[2]);
process.chdir(projectDir);
const pulumiDir = path.dirname(
  require.resolve("@pulumi/pulumi/package.json", { paths: [projectDir] }),
);
const tsutils = require(path.join(pulumiDir, "tsutils"));
const compilerOptions = tsutils.loadTypeScriptCompilerOptions("tsconfig.json");
const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
require(tsnodeRequire).register({
  compiler: typescriptRequire,
  transpileOnly: compilerOptions.noCheck,
  project: "tsconfig.json",
  skipProject: false,
  compilerOptions: {
    target: "ES2020",
    module: "nodenext",
    moduleResolution: "nodenext",
    sourceMap: "true",
    ...compilerOptions,
  },
});

const pulumi = require(pulumiDir);
pulumi.runtime.setMocks(
  { newResource: (args) => ({ id: "", state: args.inputs }), call: (args) => args.inputs },
  "mailer-api",
  "prod",
  true,
);
pulumi.runtime.setAllConfig(JSON.parse(process.env.PROGRAM_CONFIG || "{}"), [
  "mailer-api:authToken",
]);
try {
  const program = require(projectDir);
  process.stdout.write(JSON.stringify(Object.keys(program)));
} catch (error) {
  process.stderr.write(String((error && error.message) || error));
  process.exit(1);
}
