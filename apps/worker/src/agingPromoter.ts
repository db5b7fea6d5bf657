import type { Logger } from 'pino';
import { plans, queues } from '@atelier/contracts';
import { promoteWaitingJobs, type Pool } from '@atelier/db';
import type { GenerationQueues } from '@atelier/queue';

/** The best plan's priority: its jobs are served first already and never need aging. */
const topPriority = Math.min(...Object.values(plans).map((plan) => plan.queuePriority));

/**
 * Pro jobs are served first, but a Free job that has waited `promoteAfterMs` jumps to the head
 * of the queue: under a steady Pro backlog it still starts within that wait plus the run of
 * the jobs already in the worker slots. Safe to run in every worker: each job is promoted by
 * one of them.
 */
export async function promoteAgedJobs(pool: Pool, generationQueues: GenerationQueues, promoteAfterMs: number, log: Logger): Promise<number> {
  const promoted = await promoteWaitingJobs(pool, promoteAfterMs, topPriority, queues.generation.promotedPriority);
  for (const { id, model } of promoted) {
    const job = await generationQueues.of(model).getJob(id);
    // Taken by a worker meanwhile, or lost with Redis (the reconciler re-adds it at the new priority).
    if (!job || !['prioritized', 'waiting'].includes(await job.getState())) continue;
    await job.changePriority({ priority: queues.generation.promotedPriority });
  }
  if (promoted.length > 0) log.info({ promoted: promoted.length }, 'promoted jobs that waited too long');
  return promoted.length;
}
