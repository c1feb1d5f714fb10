// `npm run policy -- --stack-export FILE|-`: a deployed stack judged from `pulumi stack export`
// through the real pack, with no program run. The exports are made from the program's own update
// run (under the engine), and from its mutants, so the verdicts can be compared with the live check's.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  runCheck,
  startCheck,
  type CheckRun,
  type JsonReport,
} from "../harness/policy-check-process";
import {
  PROJECT_DIR,
  TEST_AUTH_TOKEN,
  runProgramForTest,
  type ProgramRun,
} from "../harness/pulumi";
import { mutantProgram, stackExportOf, writeJson } from "../harness/stack-export";

const workDir = mkdtempSync(join(tmpdir(), "stack-export-"));
// Each check starts the pack; the machine is shared.
jest.setTimeout(120_000);

function updateRun(programDir: string): Promise<ProgramRun> {
  return runProgramForTest({
    programDir,
    preview: false,
    config: { "mailer-api:authToken": TEST_AUTH_TOKEN },
    secretKeys: ["mailer-api:authToken"],
  });
}

type Export = ReturnType<typeof stackExportOf>;
type ExportedResource = { urn: string; type: string; inputs?: Record<string, unknown> };
const resourcesOf = (exported: Export) => exported.deployment.resources as ExportedResource[];

let prod: Export;
let prodFile: string;
beforeAll(async () => {
  prod = stackExportOf(await updateRun(PROJECT_DIR));
  prodFile = writeJson(workDir, "prod.json", prod);
}, 120_000);

const mandatoryPolicies = (run: CheckRun) =>
  [
    ...new Set(
      (JSON.parse(run.stdout) as JsonReport).violations
        .filter((violation) => violation.enforcementLevel === "mandatory")
        .map((violation) => violation.policy),
    ),
  ].sort();

describe("the prod stack, as deployed", () => {
  it("passes, every resource judged, its secrets never shown", async () => {
    const run = await runCheck("--stack-export", prodFile);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(
        `Policy check passed: 0 mandatory violations, 0 advisory warnings; ${resourcesOf(prod).length} resources of stack "prod"`,
      ),
    );
    expect(run.stdout).not.toContain(TEST_AUTH_TOKEN);
  });

  it("reads the export from standard input with -", async () => {
    const started = startCheck("--stack-export", "-", "--format", "json");
    started.child.stdin!.end(JSON.stringify(prod));
    const run = await started.done;
    expect(run.status).toBe(0);
    expect((JSON.parse(run.stdout) as JsonReport).passed).toBe(true);
  });

  it("counts and skips the resources of providers the pack does not judge", async () => {
    const prefix = "urn:pulumi:prod::mailer-api::";
    const withOthers = structuredClone(prod);
    resourcesOf(withOthers).push(
      { urn: `${prefix}pulumi:providers:kubernetes::k8s`, type: "pulumi:providers:kubernetes" },
      { urn: `${prefix}kubernetes:core/v1:Namespace::apps`, type: "kubernetes:core/v1:Namespace" },
      {
        urn: `${prefix}random:index/randomId:RandomId::suffix`,
        type: "random:index/randomId:RandomId",
      },
    );
    for (const resource of resourcesOf(withOthers).slice(-3))
      Object.assign(resource, { custom: true });
    const run = await runCheck("--stack-export", writeJson(workDir, "others.json", withOthers));
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      "Skipped 3 resources of providers the pack does not judge (kubernetes: 2, random: 1).",
    );
    expect(run.stdout).toContain(`${resourcesOf(prod).length} resources of stack "prod"`);
  });

  it("judges a secret value as unknown: a method whose authorization is secret is not shown protected", async () => {
    const sealed = structuredClone(prod);
    const post = resourcesOf(sealed).find(
      (resource) =>
        resource.type === "aws:apigateway/method:Method" && resource.urn.endsWith("::post"),
    )!;
    const sig = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };
    const values = post as unknown as Record<string, Record<string, unknown>>;
    // As the service stores it, and as `pulumi stack export --show-secrets` writes it: even a
    // readable "CUSTOM" is not read.
    values.inputs.authorization = { ...sig, ciphertext: "v1:bm9uY2U=:Q1VTVE9N" };
    values.outputs.authorization = { ...sig, plaintext: '"CUSTOM"' };
    const run = await runCheck("--stack-export", writeJson(workDir, "sealed.json", sealed));
    expect(run.status).toBe(1);
    expect(run.stdout).toContain("its authorization is not known before deployment");
    expect(run.stdout).toMatch(
      /\d+ resources? with secret values, judged as unknown \(never decrypted\)/,
    );
    expect(run.stdout).not.toContain("Q1VTVE9N");
  });
});

describe("the program's mutants, refused live and deployed alike", () => {
  const mutants: Array<[string, string, string, string, string[]]> = [
    [
      "no authorizer on POST",
      "infra/api.ts",
      'authorization: "CUSTOM",\n    authorizerId: authorizer.id,',
      'authorization: "NONE",',
      ["apigateway-methods-require-authorizer"],
    ],
    [
      "stage throttle off",
      "infra/stage.ts",
      "throttlingRateLimit: settings.rateLimit,",
      "throttlingRateLimit: -1,",
      ["apigateway-stages-throttled"],
    ],
  ];

  it.each(mutants)(
    "%s: the export fails by the same policies",
    async (_, file, from, to, policies) => {
      const exported = stackExportOf(await updateRun(mutantProgram(file, from, to)));
      const run = await runCheck(
        "--stack-export",
        writeJson(workDir, `${file.replace(/\W/g, "-")}.json`, exported),
        "--format",
        "json",
      );
      expect(run.status).toBe(1);
      expect(mandatoryPolicies(run)).toEqual(expect.arrayContaining(policies));
    },
    120_000,
  );
});

describe("a file that is not a stack export: exit 2, one line naming the file and the problem", () => {
  const cases: Array<[string, () => string, RegExp]> = [
    [
      "truncated",
      () => JSON.stringify(prod).slice(0, 500),
      /is not a `pulumi stack export` file: not JSON \(.*\); a cut-off file is not JSON either$/,
    ],
    [
      "another version",
      () => JSON.stringify({ ...prod, version: 2 }),
      /is not a `pulumi stack export` file: deployment version 2; only version 3 is read/,
    ],
    [
      "not JSON",
      () => "version: 3\ndeployment: {}\n",
      /is not a `pulumi stack export` file: not JSON/,
    ],
    [
      "a checkpoint, not an export",
      () => JSON.stringify({ version: 3, checkpoint: { latest: prod.deployment } }),
      /is not a `pulumi stack export` file: no "deployment" object$/,
    ],
  ];

  it.each(cases)("%s", async (name, content, problem) => {
    const file = join(workDir, `${name.replace(/\W/g, "-")}.json`);
    writeFileSync(file, content());
    const run = await runCheck("--stack-export", file);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    const lines = run.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(file);
    expect(lines[0]).toMatch(problem);
  });

  it("a file that does not exist", async () => {
    const run = await runCheck("--stack-export", join(workDir, "missing.json"));
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toMatch(
      /^Policy check could not run: cannot read the stack export .*missing\.json: ENOENT/,
    );
  });
});
