// The authorizer's Allow answer. Its Resource covers every method and path of the stage: API
// Gateway caches the decision per token, and a policy naming only the called method would turn
// into a 403 on any other route for the cache TTL (serverless/serverless#6176).
import type { APIGatewayAuthorizerResult } from "aws-lambda";
import { AUTHORIZER_CONTEXT } from "../contracts/authorizer-context";

const METHOD_ARN_PATTERN =
  /^(arn:aws[a-z-]*:execute-api:[a-z0-9-]+:\d{12}:[A-Za-z0-9]+)\/([A-Za-z0-9_-]+)\/[A-Z*]+(\/.*)?$/;

/** `arn:...:API_ID/STAGE/*` from a method ARN, or undefined when the ARN is malformed. */
export function stageWideResource(methodArn: unknown): string | undefined {
  if (typeof methodArn !== "string" || methodArn.length > 2048) return undefined;
  const match = METHOD_ARN_PATTERN.exec(methodArn);
  return match ? `${match[1]}/${match[2]}/*` : undefined;
}

export function allowPolicy(
  principalId: string,
  resource: string,
  usageIdentifierKey: string | undefined,
): APIGatewayAuthorizerResult {
  return {
    principalId,
    policyDocument: {
      Version: "2012-10-17",
      Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: resource }],
    },
    ...(usageIdentifierKey ? { usageIdentifierKey } : {}),
    context: { ...AUTHORIZER_CONTEXT },
  };
}
