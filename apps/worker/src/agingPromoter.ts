import type { Logger } from 'pino';
import { queues } from '@atelier/contracts';
import { promoteWaitingJobs, type Pool } from '@atelier/db';
import type { GenerationQueue } from '@atelier/queue';

/**
 * Pro jobs are served first, but a job that has waited `promoteAfterMs` jumps to the head of
 * the queue, whatever its plan: under a steady Pro backlog, Free jobs still start within a
 * bounded wait. Safe to run in every worker: each job is promoted by one of them.
 */
export async function promoteAgedJobs(pool: Pool, queue: GenerationQueue, promoteAfterMs: number, log: Logger): Promise<number> {
  const promoted = await promoteWaitingJobs(pool, promoteAfterMs, queues.generation.promotedPriority);
  for (const { id } of promoted) {
    const job = await queue.getJob(id);
    // Taken by a worker meanwhile, or lost with Redis (the reconciler re-adds it at the new priority).
    if (!job || !(await job.isWaiting())) continue;
    await job.changePriority({ priority: queues.generation.promotedPriority });
  }
  if (promoted.length > 0) log.info({ promoted: promoted.length }, 'promoted jobs that waited too long');
  return promoted.length;
}
