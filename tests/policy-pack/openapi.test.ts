// The OpenAPI reader behind the body policies: which operations API Gateway would serve open.
import { openOperations, parseDefinition } from "../../policy-pack/policies/openapi";

const REST = { authorizerTypes: ["token", "request", "cognito_user_pools"], allowIam: false };
const token = {
  type: "apiKey",
  name: "Authorization",
  in: "header",
  "x-amazon-apigateway-authtype": "custom",
  "x-amazon-apigateway-authorizer": { type: "token", authorizerUri: "arn:aws:apigateway:x" },
};
const proxy = { "x-amazon-apigateway-integration": { type: "aws_proxy", uri: "arn:aws:x" } };

it("passes a Swagger 2 document whose global security names a token authorizer", () => {
  const verdict = openOperations(
    {
      swagger: "2.0",
      securityDefinitions: { token },
      security: [{ token: [] }],
      paths: { "/": { post: proxy } },
    },
    REST,
  );
  expect(verdict).toEqual({ operations: 1, open: [] });
});

it("reads OpenAPI 3 components and YAML text", () => {
  const yaml = [
    "openapi: 3.0.1",
    "components:",
    "  securitySchemes:",
    "    users:",
    "      type: apiKey",
    "      x-amazon-apigateway-authtype: cognito_user_pools",
    "      x-amazon-apigateway-authorizer: { type: cognito_user_pools, providerARNs: [arn] }",
    "paths:",
    "  /items:",
    "    get: { security: [ { users: [] } ] }",
    "    delete: {}",
  ].join("\n");
  expect(openOperations(parseDefinition(yaml), REST).open).toEqual([
    { method: "DELETE", path: "/items", reason: expect.stringContaining("no `security`") },
  ]);
});

it.each([
  ["an empty requirement list", [], /is empty/],
  ["an anonymous alternative", [{ token: [] }, {}], /anonymous callers/],
  ["a scheme that is no authorizer (an API key)", [{ key: [] }], /"key" names no authorizer/],
])("refuses %s", (_label, security, reason) => {
  const verdict = openOperations(
    {
      swagger: "2.0",
      securityDefinitions: { token, key: { type: "apiKey", name: "x-api-key", in: "header" } },
      paths: { "/": { post: { security, ...proxy } } },
    },
    REST,
  );
  expect(verdict.open).toEqual([
    { method: "POST", path: "/", reason: expect.stringMatching(reason) },
  ]);
});

it("leaves OPTIONS open only when its integration is mock; ANY is never a preflight", () => {
  const verdict = openOperations(
    {
      paths: {
        "/": { options: { "x-amazon-apigateway-integration": { type: "mock" } } },
        "/proxied": { options: proxy },
        "/{proxy+}": { "x-amazon-apigateway-any-method": proxy },
      },
    },
    REST,
  );
  expect(verdict.open.map((op) => `${op.method} ${op.path}`)).toEqual([
    "OPTIONS /proxied",
    "ANY /{proxy+}",
  ]);
});

it("counts an awsSigv4 scheme only when IAM is allowed", () => {
  const document = {
    swagger: "2.0",
    securityDefinitions: { sigv4: { type: "apiKey", "x-amazon-apigateway-authtype": "awsSigv4" } },
    security: [{ sigv4: [] }],
    paths: { "/": { get: proxy } },
  };
  expect(openOperations(document, REST).open).toHaveLength(1);
  expect(openOperations(document, { ...REST, allowIam: true }).open).toEqual([]);
});

it.each([
  ["not JSON or YAML", "{ : ["],
  ["not a document", "[1, 2]"],
  ["without paths", '{"swagger": "2.0"}'],
])("refuses to read a body %s", (_label, text) => {
  expect(() => parseDefinition(text)).toThrow();
});

describe("security schemes come from the document's own version, never a mix", () => {
  const secured = { security: [{ token: [] }], ...proxy };
  it.each([
    [
      "Swagger 2 with the scheme under components",
      { swagger: "2.0", components: { securitySchemes: { token } } },
    ],
    [
      "OpenAPI 3 with the scheme under securityDefinitions",
      { openapi: "3.0.1", securityDefinitions: { token } },
    ],
    [
      "a document of no version",
      { securityDefinitions: { token }, components: { securitySchemes: { token } } },
    ],
  ])("refuses %s", (_label, document) => {
    const verdict = openOperations({ ...document, paths: { "/": { post: secured } } }, REST);
    expect(verdict.open).toEqual([
      {
        method: "POST",
        path: "/",
        reason: expect.stringMatching(/"token" names no authorizer scheme/),
      },
    ]);
  });

  it.each([
    ["Swagger 2", { swagger: "2.0", securityDefinitions: { token } }],
    ["OpenAPI 3", { openapi: "3.0.1", components: { securitySchemes: { token } } }],
  ])("passes %s with the scheme in its own place", (_label, document) => {
    const verdict = openOperations({ ...document, paths: { "/": { post: secured } } }, REST);
    expect(verdict.open).toEqual([]);
  });
});
