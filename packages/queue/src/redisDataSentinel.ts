import type { Redis } from 'ioredis';

/**
 * A key under the queue prefix that only a Redis that kept its data still holds. A worker sets
 * it before putting every unfinished job back; its absence (FLUSHDB, FLUSHALL, a restart with
 * no persistence, a failover to an empty replica) is how the worker learns, within a second
 * and while still connected, that the queue lost what it held.
 */
const key = (prefix: string) => `${prefix}:data-sentinel`;

export async function redisDataLost(redis: Redis, prefix: string): Promise<boolean> {
  return (await redis.exists(key(prefix))) === 0;
}

export async function markRedisData(redis: Redis, prefix: string): Promise<void> {
  await redis.set(key(prefix), new Date().toISOString());
}
