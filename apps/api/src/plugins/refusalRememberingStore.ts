import { createRequire } from 'node:module';
import type { FastifyRateLimitStore } from '@fastify/rate-limit';
import type { Redis } from 'ioredis';
import { RefusalMemory } from './refusalMemory.ts';

type Counted = { current: number; ttl: number };
type Callback = Parameters<FastifyRateLimitStore['incr']>[1];
type RouteOptions = Parameters<FastifyRateLimitStore['child']>[0];

// The plugin's own Redis store (one Lua script: INCR, PEXPIRE on the first hit), not in its typed exports.
const RedisStore = createRequire(import.meta.url)('@fastify/rate-limit/store/RedisStore.js') as new (
  continueExceeding: boolean,
  exponentialBackoff: boolean,
  redis: Redis,
  nameSpace: string,
) => FastifyRateLimitStore;

/**
 * The plugin's Redis store, remembering refusals in this process. The windows are fixed (a
 * key's count only grows until its window ends), so once Redis says a key is over its limit
 * for the next `ttl` ms, every request with that key in that time would be refused: this
 * answers them without the round trip. A user flooding submits then costs the API a map
 * lookup per request instead of a Redis script, and other users' requests do not queue behind
 * that traffic (bench/flood.ts). Other API processes learn the refusal from Redis on their own.
 */
export function refusalRememberingStore(redis: Redis, nameSpace: string) {
  return class RefusalRememberingStore implements FastifyRateLimitStore {
    private readonly refusals = new RefusalMemory<Counted & { until: number }>();

    constructor(
      _globalParams?: unknown,
      private readonly inner: FastifyRateLimitStore = new RedisStore(false, false, redis, nameSpace),
    ) {}

    incr(key: string, callback: Callback, timeWindow: number, max: number): void {
      const now = Date.now();
      const refused = this.refusals.get(key, now);
      if (refused) {
        callback(null, { current: refused.current, ttl: refused.until - now });
        return;
      }
      this.inner.incr(
        key,
        (error, result) => {
          if (!error && result && result.current > max && result.ttl > 0) this.refusals.remember(key, { ...result, until: now + result.ttl }, now);
          callback(error, result);
        },
        timeWindow,
        max,
      );
    }

    child(routeOptions: RouteOptions): FastifyRateLimitStore {
      return new RefusalRememberingStore(undefined, this.inner.child(routeOptions));
    }
  };
}
