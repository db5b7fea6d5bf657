import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { readWorkerConcurrency } from '@atelier/queue';

/**
 * Applies the operator's concurrency override (PUT /api/admin/queue/concurrency) to this
 * worker: the override when one is set, else the configured WORKER_CONCURRENCY. Run at start
 * and then every WORKER_SETTINGS_POLL_MS. BullMQ reads the new value before it fetches the
 * next job: raising it lets an idle worker take more at once; lowering it lets running jobs
 * finish and takes no new one until it is under the new limit.
 */
export function followConcurrency(redis: Redis, prefix: string, configured: number, apply: (concurrency: number) => void, log: Logger) {
  let current = configured;
  return async (): Promise<void> => {
    const target = (await readWorkerConcurrency(redis, prefix)) ?? configured;
    if (target === current) return;
    log.info({ from: current, to: target }, 'worker concurrency changed');
    current = target;
    apply(target);
  };
}
