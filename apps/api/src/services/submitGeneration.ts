import { AppError, costOf, parseGenerateBody, plans, type JobKind } from '@atelier/contracts';
import { discardUnqueuedJob, insertJobWithReservation, type JobRow, type User } from '@atelier/db';
import { enqueueGeneration } from '@atelier/queue';
import type { ApiServices } from '../services.ts';

/**
 * Validate, write the job and its reservation in one statement, then queue it. If the queue
 * refuses, the row and the reservation are taken back: no row is left without a queue entry.
 */
export async function submitGeneration(services: ApiServices, user: User, kind: JobKind, body: unknown, requestId: string): Promise<JobRow> {
  const { prompt, params } = parseGenerateBody(kind, body);
  const priority = plans[user.plan].queuePriority;
  const job = await insertJobWithReservation(services.pool, {
    userId: user.id,
    kind,
    prompt,
    params,
    priority,
    cost: costOf(kind, prompt, params),
  });
  if (!job) throw new AppError('insufficient_credits');
  try {
    await enqueueGeneration(services.queue, { jobId: job.id, kind, requestId }, priority);
  } catch (error) {
    services.log.warn({ err: error, job_id: job.id }, 'enqueue failed; taking the job back');
    await discardUnqueuedJob(services.pool, job.id);
    throw new AppError('queue_unavailable');
  }
  return job;
}
