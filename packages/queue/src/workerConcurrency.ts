import type { Redis } from 'ioredis';
import { MAX_WORKER_CONCURRENCY } from '@atelier/contracts';

export { MAX_WORKER_CONCURRENCY };

/**
 * An operator's runtime override of each worker's concurrency, kept in Redis so every worker
 * process (however many, wherever) picks it up: workers poll it and apply it to their BullMQ
 * Worker. No key means "use WORKER_CONCURRENCY from the environment". Under the queue prefix,
 * so it shares the queue's hash tag on Redis Cluster.
 */
const key = (prefix: string) => `${prefix}:settings:worker-concurrency`;

export async function readWorkerConcurrency(redis: Redis, prefix: string): Promise<number | null> {
  const value = await redis.get(key(prefix));
  if (value === null) return null;
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 && n <= MAX_WORKER_CONCURRENCY ? n : null;
}

/** `null` removes the override: workers go back to their configured concurrency. */
export async function writeWorkerConcurrency(redis: Redis, prefix: string, concurrency: number | null): Promise<void> {
  if (concurrency === null) {
    await redis.del(key(prefix));
    return;
  }
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_WORKER_CONCURRENCY) {
    throw new RangeError(`worker concurrency must be an integer from 1 to ${MAX_WORKER_CONCURRENCY}`);
  }
  await redis.set(key(prefix), String(concurrency));
}
