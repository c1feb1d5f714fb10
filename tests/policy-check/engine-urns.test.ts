// The check names resources by the URNs the engine builds, so a report points at the same
// resource `pulumi preview` would: the chain of parent types, with the root Stack left out.
import { FIXTURES_DIR, runFixture } from "../harness/policy";
import { join } from "node:path";
import { runProgramInChild } from "../../tools/policy-check/program-process";
import type { ProgramRun } from "../../tools/engine/program-run";

const PREFIX = "urn:pulumi:prod::component-children::";
const expected = {
  stack: `${PREFIX}pulumi:pulumi:Stack::component-children-prod`,
  web: `${PREFIX}fixture:web:Api::web`,
  api: `${PREFIX}fixture:web:Api$aws:apigateway/restApi:RestApi::web-api`,
  routes: `${PREFIX}fixture:web:Api$fixture:web:Routes::web-routes`,
  method: `${PREFIX}fixture:web:Api$fixture:web:Routes$aws:apigateway/method:Method::get-root`,
  bucket: `${PREFIX}aws:s3/bucket:Bucket::assets`,
};

function byName(run: ProgramRun, name: string) {
  const resource = run.resources.find((candidate) => candidate.name === name);
  if (!resource) throw new Error(`no resource named ${name}`);
  return resource;
}

describe.each([
  ["as the tests and npm start run it (uncontained)", () => runFixture("component-children", true)],
  [
    "as the offline check runs it (contained)",
    () =>
      runProgramInChild({
        programDir: join(FIXTURES_DIR, "component-children"),
        stackName: "prod",
        preview: true,
        timeoutMs: 60_000,
      }),
  ],
])("URNs %s", (_label, run) => {
  let program: ProgramRun;
  beforeAll(async () => {
    program = await run();
  }, 90_000);

  it("leave the root Stack out of a top-level resource's type", () => {
    expect(byName(program, "assets").urn).toBe(expected.bucket);
    expect(byName(program, "web").urn).toBe(expected.web);
  });

  it("give a component's children their whole chain of parent types", () => {
    expect(byName(program, "web-api").urn).toBe(expected.api);
    expect(byName(program, "web-routes").urn).toBe(expected.routes);
    expect(byName(program, "get-root").urn).toBe(expected.method);
  });

  it("use the same URNs for parents and dependencies", () => {
    expect(byName(program, "assets").parent).toBe(expected.stack);
    expect(byName(program, "get-root").parent).toBe(expected.routes);
    expect(byName(program, "get-root").propertyDependencies.restApi).toEqual([expected.api]);
  });
});
