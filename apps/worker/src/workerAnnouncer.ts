import type { Redis } from 'ioredis';
import type { WorkerAnnouncement } from '@atelier/contracts';
import type { Engines } from '@atelier/engines';
import { announceWorker, withdrawWorker } from '@atelier/queue';

/**
 * The worker's announcement, renewed every `intervalMs` with a lifetime of three intervals:
 * one missed renewal (a slow Redis, a long GC) does not make the worker vanish, and a worker
 * that died is gone within three.
 */
export function workerAnnouncer(
  redis: Redis,
  prefix: string,
  intervalMs: number,
  describe: { id: string; engines: Engines; concurrency: () => number; busy: () => number },
) {
  const startedAt = new Date().toISOString();
  const announcement = (): WorkerAnnouncement => ({
    id: describe.id,
    models: [...describe.engines.keys()],
    engines: [...describe.engines].map(([model, engine]) => ({ model, engine: engine.name, gpu: engine.gpu?.() ?? null })),
    concurrency: describe.concurrency(),
    busy: describe.busy(),
    startedAt,
    announcedAt: new Date().toISOString(),
  });
  return {
    announce: () => announceWorker(redis, prefix, announcement(), intervalMs * 3),
    withdraw: () => withdrawWorker(redis, prefix, describe.id),
  };
}
