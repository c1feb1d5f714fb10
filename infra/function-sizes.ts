// Memory and timeout of each deployed function; the local stack runs its handlers with the same
// timeouts. A module of its own so that the local stack need not load the AWS provider.
import type { HandlerName } from "./bundle";

export const FUNCTION_SIZES: Record<HandlerName, { memorySize: number; timeout: number }> = {
  authorizer: { memorySize: 128, timeout: 3 },
  mailer: { memorySize: 256, timeout: 10 },
};
