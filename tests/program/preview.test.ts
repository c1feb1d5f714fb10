// At `pulumi preview` of a new stack, ids and computed outputs are unknown. The program must
// declare the same resources, and the protection must be visible in what is known.
import { UNKNOWN, ofType, runProdStack, type ProgramRun } from "../harness/pulumi";

let preview: ProgramRun;
let update: ProgramRun;
beforeAll(async () => {
  preview = await runProdStack({ preview: true });
  update = await runProdStack({ preview: false });
});

it("declares the same resources in a preview as in an update", () => {
  const urns = (run: ProgramRun) => run.resources.map((resource) => resource.urn).sort();
  expect(urns(preview)).toEqual(urns(update));
  expect(preview.resources.length).toBeGreaterThan(30);
});

it("leaves ids unknown in a preview, and links methods to the authorizer by dependency", () => {
  const [authorizer] = ofType(preview, "aws:apigateway/authorizer:Authorizer");
  const post = ofType(preview, "aws:apigateway/method:Method").find(
    (method) => method.inputs.httpMethod === "POST",
  );
  expect(post?.inputs.authorizerId).toBe(UNKNOWN);
  expect(post?.inputs.authorization).toBe("CUSTOM");
  expect(post?.propertyDependencies.authorizerId).toEqual([authorizer.urn]);
});

it("knows the throttle values in a preview", () => {
  const [settings] = ofType(preview, "aws:apigateway/methodSettings:MethodSettings");
  const [stage] = ofType(preview, "aws:apigateway/stage:Stage");
  expect(settings.inputs.methodPath).toBe("*/*");
  expect(settings.inputs.settings).toEqual(
    expect.objectContaining({ throttlingRateLimit: expect.any(Number) }),
  );
  expect(settings.propertyDependencies.stageName).toEqual([stage.urn]);
});
