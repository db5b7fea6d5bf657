import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { queues } from '@atelier/contracts';
import { billingPeriod, type Pool } from '@atelier/db';
import { grantDueMonthlyCredits } from '@atelier/operations';
import { createMaintenanceQueue, scheduleMonthlyGrants } from '@atelier/queue';

/**
 * The monthly Free (and unpaid Pro) grant, inside the platform: every worker upserts the one
 * scheduler and consumes the maintenance queue, so each run is done by exactly one of them, and
 * the grant's key per user, month and plan makes a run after the first of a month grant nothing.
 * A failed run stays failed (no retry); the next one grants what it missed.
 */
export async function startMonthlyGrants(redis: Redis, prefix: string, everyMs: number, pool: Pool, log: Logger): Promise<{ close(): Promise<void> }> {
  const queue = createMaintenanceQueue(redis, prefix);
  await scheduleMonthlyGrants(queue, everyMs);
  const worker = new Worker(
    queues.maintenance.name,
    async () => {
      const result = await grantDueMonthlyCredits(pool, billingPeriod(new Date()));
      if (result.granted > 0) log.info(result, 'monthly credits granted');
      return result;
    },
    { connection: redis, prefix, concurrency: 1 },
  );
  worker.on('error', (error) => log.error({ err: error }, 'maintenance worker error'));
  worker.on('failed', (_job, error) => log.error({ err: error }, 'the monthly credit grant failed; the next run grants what it missed'));
  return { close: async () => void (await Promise.all([worker.close(), queue.close()])) };
}
