// The functions the program deploys: their names (one handler file each) and the memory and
// timeout each runs with. `delivery` sends the messages the mailer queued (handlers/delivery.ts).
export type HandlerName = "authorizer" | "mailer" | "delivery";
export const HANDLER_NAMES: readonly HandlerName[] = ["authorizer", "mailer", "delivery"];

export const FUNCTION_SIZES: Record<HandlerName, { memorySize: number; timeout: number }> = {
  authorizer: { memorySize: 128, timeout: 3 },
  mailer: { memorySize: 256, timeout: 10 },
  delivery: { memorySize: 256, timeout: 45 },
};

/** The environment variables the functions read, as the program sets them (infra/lambdas.ts). */
export const FUNCTION_ENV = {
  /** The authorizer's accepted token digests, comma-separated (two during a rotation). */
  authTokenSha256: "AUTH_TOKEN_SHA256",
  usageApiKey: "USAGE_API_KEY",
  mailFrom: "MAIL_FROM",
  /** Comma-separated fixed recipients. */
  mailTo: "MAIL_TO",
  allowedOrigin: "ALLOWED_ORIGIN",
  deliveryQueueUrl: "DELIVERY_QUEUE_URL",
  deadLetterQueueUrl: "DEAD_LETTER_QUEUE_URL",
} as const;
