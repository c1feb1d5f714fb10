// API Gateway's throttle: a token bucket that holds at most `burst` tokens, refills at `rate`
// tokens per second and starts full; each admitted request takes one token. Pure, with the clock
// injected, so the rule is testable without waiting.
export interface TokenBucket {
  /** Takes a token if one is available; false means "429 Too Many Requests". */
  tryTake(): boolean;
  /** Tokens available now (fractional while refilling). */
  available(): number;
}

export function createTokenBucket(options: {
  rate: number;
  burst: number;
  now?: () => number;
}): TokenBucket {
  const { rate, burst } = options;
  if (!(rate > 0) || !(burst >= 1)) throw new RangeError("rate must be > 0 and burst >= 1");
  const now = options.now ?? Date.now;
  let tokens = burst;
  let last = now();
  const refill = () => {
    const at = now();
    // A clock that steps back (NTP) must not drain the bucket.
    const elapsedSeconds = Math.max(0, at - last) / 1000;
    tokens = Math.min(burst, tokens + elapsedSeconds * rate);
    last = at;
  };
  return {
    tryTake() {
      refill();
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
    available() {
      refill();
      return tokens;
    },
  };
}
