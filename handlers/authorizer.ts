// API Gateway TOKEN authorizer: accepts the request when the `authtoken` header's SHA-256 digest
// is one of AUTH_TOKEN_SHA256's. Any refusal throws "Unauthorized", which the gateway answers 401.
import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent } from "aws-lambda";
import { FUNCTION_ENV } from "../contracts/functions";
import { allowPolicy, stageWideResource } from "./policy-document";
import { isAcceptedToken, parseAcceptedDigests } from "./token-check";

// Read once per container; the settings of a Lambda cannot change under a running container.
const acceptedDigests = parseAcceptedDigests(process.env[FUNCTION_ENV.authTokenSha256]);
const usageIdentifierKey = process.env[FUNCTION_ENV.usageApiKey] || undefined;
const PRINCIPAL_ID = "website-visitor";

export async function handler(
  event: APIGatewayTokenAuthorizerEvent,
): Promise<APIGatewayAuthorizerResult> {
  const resource = stageWideResource(event?.methodArn);
  const authorized =
    event?.type === "TOKEN" &&
    resource !== undefined &&
    isAcceptedToken(event.authorizationToken, acceptedDigests);
  console.log(JSON.stringify({ level: "info", outcome: authorized ? "allowed" : "refused" }));
  if (!authorized) throw new Error("Unauthorized");
  return allowPolicy(PRINCIPAL_ID, resource, usageIdentifierKey);
}
