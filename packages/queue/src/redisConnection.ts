import { once } from 'node:events';
import { Redis, type RedisOptions } from 'ioredis';

/**
 * - `worker`: blocking BullMQ connections; retry forever so a Redis failover never leaves a
 *   worker dead (BullMQ requires `maxRetriesPerRequest: null` here).
 * - `producer`: the API's connection; no offline queue, so a submit fails fast with 503
 *   while Redis is down instead of hanging.
 * - `subscriber`: the API's one pub/sub connection for all open SSE streams.
 */
export type RedisRole = 'worker' | 'producer' | 'subscriber';

const optionsByRole: Record<RedisRole, RedisOptions> = {
  worker: { maxRetriesPerRequest: null, enableReadyCheck: true },
  producer: { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000 },
  subscriber: { maxRetriesPerRequest: null, enableReadyCheck: true },
};

export function createRedis(url: string, role: RedisRole, onError: (error: Error) => void): Redis {
  const redis = new Redis(url, {
    ...optionsByRole[role],
    connectionName: `atelier-${role}`,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  // ioredis reconnects by itself; the caller logs. With no listener, 'error' would crash the process.
  redis.on('error', onError);
  return redis;
}

/**
 * BullMQ loses jobs under any eviction policy but `noeviction`. Asks once the connection is
 * ready: a `producer` connection queues nothing while connecting, so asking at once failed
 * with "Stream isn't writeable" on every start.
 */
export async function checkEvictionPolicy(redis: Redis): Promise<string | null> {
  if (redis.status !== 'ready') await once(redis, 'ready');
  const reply = (await redis.config('GET', 'maxmemory-policy')) as string[];
  const policy = reply[1] ?? 'unknown';
  return policy === 'noeviction' ? null : `Redis maxmemory-policy is "${policy}"; BullMQ needs "noeviction" or queued jobs may be lost.`;
}

/**
 * True when an ioredis error says Redis cannot be reached right now (the producer connection
 * is down and queues nothing, or gave up retrying), as opposed to a command Redis refused.
 * The HTTP layer answers these with 503 `queue_unavailable`.
 */
export function isRedisUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'MaxRetriesPerRequestError') return true;
  return /^(Stream isn't writeable|Connection is closed|connect ECONNREFUSED|read ECONNRESET)/.test(error.message);
}
