// The bundled authorizer, loaded as Lambda loads it, with the digest settings the program deploys.
import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent } from "aws-lambda";
import { readFileSync } from "node:fs";
import { sha256Hex } from "../../contracts/token";
import { builtHandlers, loadBundledHandler } from "../harness/bundles";
import { recordConsoleLog } from "../harness/console-log";

type Authorizer = {
  handler: (event: APIGatewayTokenAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;
};

const currentToken = "c".repeat(16) + "0123456789abcdef0123456789abcdef";
const previousToken = "p".repeat(16) + "fedcba9876543210fedcba9876543210";
const methodArn = "arn:aws:execute-api:us-east-1:123456789012:abc123defg/prod/POST/";
const stageArn = "arn:aws:execute-api:us-east-1:123456789012:abc123defg/prod/*";

let authorizer: Authorizer;
let bundleSource: string;
const logLines = recordConsoleLog();

beforeAll(async () => {
  const { authorizer: bundle } = await builtHandlers();
  bundleSource = readFileSync(bundle.file, "utf8");
  authorizer = loadBundledHandler<Authorizer>(bundle, {
    AUTH_TOKEN_SHA256: `${sha256Hex(currentToken)},${sha256Hex(previousToken)}`,
    USAGE_API_KEY: "usage-key-value",
  });
});

function tokenEvent(token: unknown, arn: unknown = methodArn): APIGatewayTokenAuthorizerEvent {
  return {
    type: "TOKEN",
    authorizationToken: token,
    methodArn: arn,
  } as APIGatewayTokenAuthorizerEvent;
}

describe("bundled authorizer", () => {
  it.each([
    ["the current token", currentToken],
    ["the previous token during a rotation", previousToken],
  ])("allows %s on the whole stage", async (_label, token) => {
    const answer = await authorizer.handler(tokenEvent(token));
    expect(answer.policyDocument).toEqual({
      Version: "2012-10-17",
      Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: stageArn }],
    });
    expect(answer.principalId).toBeTruthy();
    expect(answer.usageIdentifierKey).toBe("usage-key-value");
    expect(answer.context).toBeDefined();
  });

  it("derives the stage-wide resource from any method ARN of the stage", async () => {
    const arn = "arn:aws:execute-api:eu-west-1:123456789012:xyz9/prod/GET/some/path";
    const answer = await authorizer.handler(tokenEvent(currentToken, arn));
    expect(answer.policyDocument.Statement[0]).toMatchObject({
      Resource: "arn:aws:execute-api:eu-west-1:123456789012:xyz9/prod/*",
    });
  });

  const refused: Array<[string, APIGatewayTokenAuthorizerEvent]> = [
    ["a missing token", tokenEvent(undefined)],
    ["an empty token", tokenEvent("")],
    ["a wrong token", tokenEvent("w".repeat(48))],
    ["the current token's digest", tokenEvent(sha256Hex(currentToken))],
    ["a padded token", tokenEvent(` ${currentToken}`)],
    ["a token with a trailing newline", tokenEvent(`${currentToken}\n`)],
    ["a token with a suffix", tokenEvent(`${currentToken}0`)],
    ["a prefix of the token", tokenEvent(currentToken.slice(0, -1))],
    ["an overlong token", tokenEvent(currentToken.repeat(20))],
    ["a 'Bearer' token", tokenEvent(`Bearer ${currentToken}`)],
    ["a numeric token", tokenEvent(12345)],
    ["an object token", tokenEvent({ token: currentToken })],
    ["a malformed method ARN", tokenEvent(currentToken, "not-an-arn")],
    ["a missing method ARN", { type: "TOKEN", authorizationToken: currentToken } as never],
    ["a REQUEST event", { ...tokenEvent(currentToken), type: "REQUEST" } as never],
    ["an empty event", {} as APIGatewayTokenAuthorizerEvent],
    ["a null event", null as unknown as APIGatewayTokenAuthorizerEvent],
  ];

  it.each(refused)("refuses %s with Unauthorized", async (_label, event) => {
    await expect(authorizer.handler(event)).rejects.toThrow(/^Unauthorized$/);
  });

  it("refuses everything when no digest is configured", async () => {
    const { authorizer: bundle } = await builtHandlers();
    const unconfigured = loadBundledHandler<Authorizer>(bundle, { AUTH_TOKEN_SHA256: "" });
    await expect(unconfigured.handler(tokenEvent(currentToken))).rejects.toThrow("Unauthorized");
  });

  it("never logs the token or its digest", () => {
    expect(logLines.length).toBeGreaterThan(0);
    for (const line of logLines) {
      expect(() => JSON.parse(line)).not.toThrow();
      for (const secret of [currentToken, previousToken, sha256Hex(currentToken)]) {
        expect(line).not.toContain(secret);
      }
    }
  });

  it("carries no AWS SDK and stays under 4 KB", () => {
    expect(bundleSource).not.toMatch(/@aws-sdk|smithy/);
    expect(Buffer.byteLength(bundleSource)).toBeLessThan(4096);
  });
});
