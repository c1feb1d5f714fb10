// API Gateway's authorizer result cache: the authorizer's answer is reused for the same token
// until the TTL runs out (a TTL of 0 turns caching off). Keys are the tokens' SHA-256 digests, so
// the cache never holds a token. Bounded, so a stream of distinct tokens cannot exhaust memory.
// Pure, with the clock injected. `createAuthorizerCalls` puts the cache in front of the
// authorizer's function, and shares one invocation among requests carrying the same token.
import { createHash } from "node:crypto";

export interface AuthorizerCache<T> {
  get(token: string): T | undefined;
  set(token: string, value: T): void;
  size(): number;
}

export function createAuthorizerCache<T>(options: {
  ttlSeconds: number;
  maxEntries?: number;
  now?: () => number;
}): AuthorizerCache<T> {
  const ttlMs = options.ttlSeconds * 1000;
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { value: T; expiresAt: number }>();
  const keyOf = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");
  return {
    get(token) {
      const key = keyOf(token);
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      if (now() >= entry.expiresAt) {
        entries.delete(key);
        return undefined;
      }
      return entry.value;
    },
    set(token, value) {
      if (ttlMs <= 0) return;
      const key = keyOf(token);
      entries.delete(key);
      // Maps iterate in insertion order: the first key is the oldest entry.
      while (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
      entries.set(key, { value, expiresAt: now() + ttlMs });
    },
    size() {
      return entries.size;
    },
  };
}

/** An authorizer as the cache in front of it needs it. */
export interface CachedAuthorizer {
  id: string;
  ttlSeconds: number;
  function: string;
}

/**
 * The authorizer's raw answer for a token: from its cache, or from one invocation that every
 * request carrying the same token while it runs shares.
 */
export function createAuthorizerCalls(options: {
  invoke(functionName: string, event: unknown): Promise<unknown>;
  now: () => number;
}): (authorizer: CachedAuthorizer, token: string, event: unknown) => Promise<unknown> {
  const caches = new Map<string, AuthorizerCache<unknown>>();
  const inFlight = new Map<string, Promise<unknown>>();
  return async (authorizer, token, event) => {
    let cache = caches.get(authorizer.id);
    if (cache === undefined) {
      cache = createAuthorizerCache<unknown>({
        ttlSeconds: authorizer.ttlSeconds,
        now: options.now,
      });
      caches.set(authorizer.id, cache);
    }
    const cached = cache.get(token);
    if (cached !== undefined) return cached;
    const flightKey = `${authorizer.id}\n${token}`;
    const running = inFlight.get(flightKey);
    if (running !== undefined) return running;
    const store = cache;
    const call = options.invoke(authorizer.function, event).then((result) => {
      store.set(token, result);
      return result;
    });
    inFlight.set(flightKey, call);
    try {
      return await call;
    } finally {
      inFlight.delete(flightKey);
    }
  };
}
