import type { Logger } from 'pino';
import { listUnfinishedJobs, type Pool } from '@atelier/db';
import { enqueueGeneration, type GenerationQueue } from '@atelier/queue';

/**
 * PostgreSQL is the source of truth; Redis can be lost. Rows that are unfinished, old enough
 * and unknown to the queue are enqueued again under their own id (a no-op if another
 * reconciler got there first), so any number of these may run.
 */
export async function reconcileOnce(pool: Pool, queue: GenerationQueue, minAgeMs: number, log: Logger): Promise<number> {
  const rows = await listUnfinishedJobs(pool, minAgeMs, 500);
  let requeued = 0;
  for (const row of rows) {
    if (await queue.getJob(row.id)) continue;
    await enqueueGeneration(queue, { jobId: row.id, kind: row.kind }, row.priority);
    requeued++;
  }
  if (requeued > 0) log.warn({ requeued }, 'reconciler re-enqueued jobs the queue had lost');
  return requeued;
}
