// The functions the program deploys: their names (one handler file each) and the memory and
// timeout each runs with.
export type HandlerName = "authorizer" | "mailer";
export const HANDLER_NAMES: readonly HandlerName[] = ["authorizer", "mailer"];

export const FUNCTION_SIZES: Record<HandlerName, { memorySize: number; timeout: number }> = {
  authorizer: { memorySize: 128, timeout: 3 },
  mailer: { memorySize: 256, timeout: 10 },
};
