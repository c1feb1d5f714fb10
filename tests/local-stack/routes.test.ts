// Routing by the program's resource tree with path parameters (fixture local-path-parameters):
// a literal part wins over `{topic}`, `{proxy+}` takes the rest of the path, and the proxy event
// carries the template as `resource` and the values as `pathParameters`.
import { join } from "node:path";
import type { APIGatewayProxyEvent } from "aws-lambda";
import { PROJECT_ROOT } from "../../infra/bundle";
import { createGateway, type GatewayRequest } from "../../tools/local-gateway/gateway";
import { readGatewayModel } from "../../tools/local-gateway/read-program";
import { runProgramForTest, TEST_AUTH_TOKEN } from "../harness/pulumi";

const PROGRAM = join(PROJECT_ROOT, "tests", "fixtures", "programs", "local-path-parameters");
const TOKEN = "t".repeat(40);

async function setup() {
  const run = await runProgramForTest({
    programDir: PROGRAM,
    preview: false,
    config: { "local-path-parameters:authToken": TEST_AUTH_TOKEN },
    secretKeys: ["local-path-parameters:authToken"],
  });
  const model = readGatewayModel(run.resources, { region: "us-east-1", accountId: "123456789012" });
  const usageKey = model.stages[0].usagePlans[0].keys[0].value;
  const events: APIGatewayProxyEvent[] = [];
  const gateway = createGateway({
    model,
    invoke: async (name, event) => {
      if (name === model.authorizers[0].function) {
        return {
          principalId: "visitor",
          policyDocument: {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: "execute-api:Invoke", Resource: "*" }],
          },
          usageIdentifierKey: usageKey,
        };
      }
      events.push(event as APIGatewayProxyEvent);
      return { statusCode: 200, body: "{}" };
    },
  });
  const send = (method: string, url: string) =>
    gateway.handle({
      method,
      url,
      headers: [["authtoken", TOKEN]],
      body: Buffer.alloc(0),
      sourceIp: "127.0.0.1",
    } satisfies GatewayRequest);
  return { send, events };
}

it("prefers the literal resource, then {topic}, and passes the values", async () => {
  const { send, events } = await setup();
  expect((await send("POST", "/prod/contact")).statusCode).toBe(200);
  expect((await send("POST", "/prod/sales")).statusCode).toBe(200);
  expect(events.map((e) => [e.resource, e.path, e.pathParameters])).toEqual([
    ["/contact", "/contact", null],
    ["/{topic}", "/sales", { topic: "sales" }],
  ]);
}, 30_000);

it("lets {proxy+} take the rest of the path, for any method (ANY), but not an empty rest", async () => {
  const { send, events } = await setup();
  expect((await send("GET", "/prod/files/a/b.txt")).statusCode).toBe(200);
  expect(events[0]).toMatchObject({
    resource: "/files/{proxy+}",
    path: "/files/a/b.txt",
    httpMethod: "GET",
    pathParameters: { proxy: "a/b.txt" },
  });
  const none = await send("GET", "/prod/files");
  expect(none.statusCode).toBe(403);
  expect(JSON.parse(none.body.toString())).toEqual({ message: "Missing Authentication Token" });
  // {topic} has POST only: GET /prod/sales is no method of the API.
  expect((await send("GET", "/prod/sales")).statusCode).toBe(403);
}, 30_000);
