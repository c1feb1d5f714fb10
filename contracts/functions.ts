// The functions the program deploys: their names (one handler file each) and the memory and
// timeout each runs with. `delivery` sends the messages the mailer queued (handlers/delivery.ts).
export type HandlerName = "authorizer" | "mailer" | "delivery";
export const HANDLER_NAMES: readonly HandlerName[] = ["authorizer", "mailer", "delivery"];

export const FUNCTION_SIZES: Record<HandlerName, { memorySize: number; timeout: number }> = {
  authorizer: { memorySize: 128, timeout: 3 },
  mailer: { memorySize: 256, timeout: 10 },
  delivery: { memorySize: 256, timeout: 45 },
};
