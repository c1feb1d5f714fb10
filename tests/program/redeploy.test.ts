// The deployment is replaced exactly when the API's definition changes (pulumi-aws#471).
import { deploymentTriggerHash } from "../../infra/stage";
import { oneOf, runProdStack, type ProgramRun } from "../harness/pulumi";

const DEPLOYMENT = "aws:apigateway/deployment:Deployment";
const trigger = (run: ProgramRun) =>
  (oneOf(run, DEPLOYMENT).inputs.triggers as Record<string, string>).definitions;

describe("deploymentTriggerHash", () => {
  const method = { name: "post", httpMethod: "POST", authorization: "CUSTOM" };
  const integration = { name: "post-to-mailer", type: "AWS_PROXY", uri: "arn:one" };

  it("is stable and independent of key order", () => {
    expect(deploymentTriggerHash([method, integration])).toBe(
      deploymentTriggerHash([
        { authorization: "CUSTOM", httpMethod: "POST", name: "post" },
        integration,
      ]),
    );
  });

  it("changes when a method or an integration changes", () => {
    const base = deploymentTriggerHash([method, integration]);
    expect(deploymentTriggerHash([{ ...method, authorization: "NONE" }, integration])).not.toBe(
      base,
    );
    expect(deploymentTriggerHash([method, { ...integration, uri: "arn:two" }])).not.toBe(base);
    expect(deploymentTriggerHash([method])).not.toBe(base);
  });
});

describe("the program's redeploy trigger", () => {
  let base: ProgramRun;
  beforeAll(async () => {
    base = await runProdStack();
  });

  it("depends on every method, integration and gateway response", () => {
    const deployment = oneOf(base, DEPLOYMENT);
    const published = base.resources.filter((resource) =>
      /apigateway\/(method|integration|integrationResponse|methodResponse|response):/.test(
        resource.type,
      ),
    );
    expect(published.length).toBeGreaterThan(10);
    for (const resource of published) expect(deployment.dependencies).toContain(resource.urn);
  });

  it("stays the same when nothing in the API changes", async () => {
    const again = await runProdStack({ config: { "mailer-api:dailyQuota": "123" } });
    expect(trigger(again)).toBe(trigger(base));
  });

  it("changes when a gateway answer or the preflight changes", async () => {
    const changed = await runProdStack({
      config: { "mailer-api:allowedOrigin": "https://shop.example.org" },
    });
    expect(trigger(changed)).not.toBe(trigger(base));
  });

  // API Gateway serves an Authorizer change only after a redeployment.
  it("changes when the authorizer's cache TTL changes", async () => {
    const changed = await runProdStack({ config: { "mailer-api:authorizerCacheTtl": "60" } });
    expect(trigger(changed)).not.toBe(trigger(base));
  });

  it("waits for the authorizer", () => {
    const deployment = oneOf(base, DEPLOYMENT);
    const authorizer = oneOf(base, "aws:apigateway/authorizer:Authorizer");
    expect(deployment.dependencies).toContain(authorizer.urn);
  });
});
