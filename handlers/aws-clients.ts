// The SES and SQS clients of the mailer and the delivery function: every call bounded by a
// connection and a request timeout well under the function's own timeout, and no retry by the
// SDK. The SDK's standard retry resends a request whose answer was lost, and SendEmail has no
// idempotency token, so a retry there can send a second copy: the handlers retry themselves, only
// what SES certainly refused (handlers/delivery-outcome.ts). Endpoints come from the SDK's
// standard settings (AWS_ENDPOINT_URL_SES / AWS_ENDPOINT_URL_SQS: the local stack). Credentials
// come from the environment variables Lambda sets (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
// AWS_SESSION_TOKEN), never from files, SSO or metadata endpoints: the bundles leave the SDK's
// default chain out (handlers/no-default-credential-chain.ts).
import { SESClient } from "@aws-sdk/client-ses";
import { SQSClient } from "@aws-sdk/client-sqs";
import { fromEnv } from "@aws-sdk/credential-provider-env";
import { NodeHttpHandler } from "@smithy/node-http-handler";

/** Milliseconds. Each function's worst case fits its timeout (tests/handlers/delivery-budget.test.ts). */
export const CALL_TIMEOUTS = {
  /** TCP (and TLS) connection: past it nothing was sent, so the message may go to the queue. */
  connectionMs: 1_000,
  /** The whole request, from its start to the answer's headers: past it the outcome is unknown. */
  sesRequestMs: 2_500,
  sqsRequestMs: 2_000,
} as const;

/** One immediate retry, only after SES answered "Throttling" (it refused before accepting). */
export const THROTTLE_RETRY = { attempts: 2, delayMs: 100 } as const;

const handler = (requestTimeout: number) =>
  new NodeHttpHandler({
    connectionTimeout: CALL_TIMEOUTS.connectionMs,
    requestTimeout,
    // Without it a request past requestTimeout only logs a warning and keeps waiting.
    throwOnRequestTimeout: true,
  });

export const newSesClient = () =>
  new SESClient({
    credentials: fromEnv(),
    maxAttempts: 1,
    requestHandler: handler(CALL_TIMEOUTS.sesRequestMs),
  });

export const newSqsClient = () =>
  new SQSClient({
    credentials: fromEnv(),
    maxAttempts: 1,
    requestHandler: handler(CALL_TIMEOUTS.sqsRequestMs),
  });

/**
 * The container's one SQS client, made on first use: most requests never queue, so a cold start
 * does not pay for it (the client's code is in the bundle either way).
 */
export function lazySqsClient(): () => SQSClient {
  let client: SQSClient | undefined;
  return () => (client ??= newSqsClient());
}
