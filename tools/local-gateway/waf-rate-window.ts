// AWS WAF's rate-based rule for one client address: at most `limit` requests within the last
// `windowSeconds`; past that the address is blocked until its rate falls back under the limit.
// Every request counts, blocked ones included, as WAF counts all requests it evaluates. Pure,
// with the clock injected.
export interface RateWindow {
  /** Counts one request; false means "blocked". */
  admit(): boolean;
}

export function createRateWindow(options: {
  limit: number;
  windowSeconds: number;
  now?: () => number;
}): RateWindow {
  const now = options.now ?? Date.now;
  const windowMs = options.windowSeconds * 1000;
  const seen: number[] = [];
  return {
    admit() {
      const at = now();
      while (seen.length > 0 && seen[0] <= at - windowMs) seen.shift();
      seen.push(at);
      // Bounded: beyond the limit only the count matters, so old entries past it are dropped.
      if (seen.length > options.limit + 1) seen.splice(0, seen.length - options.limit - 1);
      return seen.length <= options.limit;
    },
  };
}
