// A usage plan's quota with period DAY: at most `limit` requests per usage identifier key per UTC
// day. Pure, with the clock injected.
const DAY_MS = 24 * 60 * 60 * 1000;

export interface DailyQuota {
  /** Counts one request for `key`; false means "429 Limit Exceeded" (and nothing is counted). */
  tryConsume(key: string): boolean;
  /** Requests counted for `key` today. */
  used(key: string): number;
}

export function createDailyQuota(options: { limit: number; now?: () => number }): DailyQuota {
  const { limit } = options;
  const now = options.now ?? Date.now;
  const counters = new Map<string, { day: number; count: number }>();
  const current = (key: string) => {
    const day = Math.floor(now() / DAY_MS);
    let counter = counters.get(key);
    if (counter === undefined || counter.day !== day) {
      counter = { day, count: 0 };
      counters.set(key, counter);
    }
    return counter;
  };
  return {
    tryConsume(key) {
      const counter = current(key);
      if (counter.count >= limit) return false;
      counter.count += 1;
      return true;
    },
    used(key) {
      return current(key).count;
    },
  };
}
