// The engine's update pass fakes what AWS fills in after creation in the stack's own region
// (aws:region), as AWS would: a stack in eu-west-1 gets eu-west-1 URLs and ARNs throughout.
import { runProdStack } from "../harness/pulumi";

it("fakes URLs, ARNs and getRegion in the stack's region", async () => {
  const run = await runProdStack({ config: { "aws:region": "eu-west-1" } });
  expect(String(run.outputs.url)).toMatch(
    /^https:\/\/[^.]+\.execute-api\.eu-west-1\.amazonaws\.com\//,
  );
  const everything = JSON.stringify(run.resources.map((resource) => resource.inputs));
  expect(everything).toMatch(/arn:aws:lambda:eu-west-1:/);
  expect(everything).not.toMatch(/us-east-1/);
});
