// A large protected stack for the benchmark: a Pulumi program of many REST APIs, each with a
// token authorizer on every method but its CORS preflight, a throttled prod stage and a daily
// quota (13 resources per API), written to a fresh folder that uses the checkout's modules.
import { mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../infra/bundle";

const PROGRAM = `import * as aws from "@pulumi/aws";

const AUTHORIZER_URI =
  "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:auth/invocations";

function declareApi(prefix: string): void {
  const api = new aws.apigateway.RestApi(\`\${prefix}-api\`, { apiKeySource: "AUTHORIZER" });
  const authorizer = new aws.apigateway.Authorizer(\`\${prefix}-token\`, {
    restApi: api.id,
    type: "TOKEN",
    authorizerUri: AUTHORIZER_URI,
    identitySource: "method.request.header.authtoken",
    authorizerResultTtlInSeconds: 300,
  });
  const items = new aws.apigateway.Resource(\`\${prefix}-items\`, {
    restApi: api.id,
    parentId: api.rootResourceId,
    pathPart: "items",
  });
  const routes = [
    { name: "post-root", resourceId: api.rootResourceId, httpMethod: "POST", open: false },
    { name: "options-root", resourceId: api.rootResourceId, httpMethod: "OPTIONS", open: true },
    { name: "get-items", resourceId: items.id, httpMethod: "GET", open: false },
  ];
  const methods = routes.map((route) => {
    const method = new aws.apigateway.Method(\`\${prefix}-\${route.name}\`, {
      restApi: api.id,
      resourceId: route.resourceId,
      httpMethod: route.httpMethod,
      authorization: route.open ? "NONE" : "CUSTOM",
      ...(route.open ? {} : { authorizerId: authorizer.id }),
    });
    new aws.apigateway.Integration(\`\${prefix}-\${route.name}-integration\`, {
      restApi: api.id,
      resourceId: route.resourceId,
      httpMethod: method.httpMethod,
      type: "MOCK",
      requestTemplates: { "application/json": '{"statusCode": 200}' },
    });
    return method;
  });
  const deployment = new aws.apigateway.Deployment(
    \`\${prefix}-deployment\`,
    { restApi: api.id },
    { dependsOn: methods },
  );
  const stage = new aws.apigateway.Stage(\`\${prefix}-prod\`, {
    restApi: api.id,
    deployment: deployment.id,
    stageName: "prod",
  });
  new aws.apigateway.MethodSettings(\`\${prefix}-throttle\`, {
    restApi: api.id,
    stageName: stage.stageName,
    methodPath: "*/*",
    settings: { throttlingRateLimit: 10, throttlingBurstLimit: 20 },
  });
  new aws.apigateway.UsagePlan(\`\${prefix}-quota\`, {
    apiStages: [{ apiId: api.id, stage: stage.stageName }],
    quotaSettings: { limit: 1000, period: "DAY" },
  });
}

for (let index = 0; index < __APIS__; index += 1) {
  declareApi(\`a\${index}\`);
}
`;

/** Writes the program for `apis` APIs; returns its folder. */
export function writeGeneratedStack(apis: number): string {
  const dir = mkdtempSync(join(tmpdir(), "policy-bench-stack-"));
  writeFileSync(join(dir, "index.ts"), PROGRAM.replace("__APIS__", String(apis)));
  writeFileSync(
    join(dir, "Pulumi.yaml"),
    "name: bench-protected-apis\nruntime: nodejs\nmain: index.ts\ndescription: generated for npm run bench\n",
  );
  writeFileSync(join(dir, "Pulumi.prod.yaml"), "config:\n  aws:region: us-east-1\n");
  symlinkSync(join(PROJECT_ROOT, "node_modules"), join(dir, "node_modules"));
  return dir;
}
