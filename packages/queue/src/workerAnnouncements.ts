import type { Redis } from 'ioredis';
import { WorkerAnnouncement } from '@atelier/contracts';

/*
 * Live workers: each announcement is a key that expires, and a sorted set indexes them by
 * expiry so that listing is one range read and one MGET (no SCAN, and every key shares the
 * prefix's hash tag, so this works on Redis Cluster). A worker that dies stops renewing: its
 * key expires and the next listing drops it from the index.
 */
const indexKey = (prefix: string) => `${prefix}:workers`;
const workerKey = (prefix: string, id: string) => `${prefix}:workers:${id}`;

export async function announceWorker(redis: Redis, prefix: string, announcement: WorkerAnnouncement, ttlMs: number): Promise<void> {
  await redis
    .multi()
    .set(workerKey(prefix, announcement.id), JSON.stringify(announcement), 'PX', ttlMs)
    .zadd(indexKey(prefix), Date.now() + ttlMs, announcement.id)
    .exec();
}

/** On a clean shutdown: the worker leaves the list at once instead of when its key expires. */
export async function withdrawWorker(redis: Redis, prefix: string, id: string): Promise<void> {
  await redis.multi().del(workerKey(prefix, id)).zrem(indexKey(prefix), id).exec();
}

export async function liveWorkers(redis: Redis, prefix: string): Promise<WorkerAnnouncement[]> {
  const now = Date.now();
  const [, [, ids]] = (await redis.multi().zremrangebyscore(indexKey(prefix), '-inf', now).zrange(indexKey(prefix), 0, -1).exec()) as [
    unknown,
    [null, string[]],
  ];
  if (ids.length === 0) return [];
  const values = await redis.mget(...ids.map((id) => workerKey(prefix, id)));
  return values.filter((value) => value !== null).map((value) => WorkerAnnouncement.parse(JSON.parse(value)));
}

/** Models some live worker serves now. */
export async function servedModels(redis: Redis, prefix: string): Promise<Set<string>> {
  return new Set((await liveWorkers(redis, prefix)).flatMap((worker) => worker.models));
}
