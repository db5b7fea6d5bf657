import { AppError } from '@atelier/contracts';
import { findJobForUser, finishJobUnsuccessfully, type JobRow, type User } from '@atelier/db';
import { appendJobEvent, publishCancel } from '@atelier/queue';
import { jobPrefix } from '@atelier/storage';
import type { ApiServices } from '../services.ts';

/**
 * Cancel a queued or running job: the row turns `canceled` and the reservation is refunded in
 * one statement; a queued job leaves the queue, a running one's engine gets its abort signal.
 * The worker's own completion is conditional on `running`, so it cannot undo the cancel.
 * The row has forgotten its files; the objects go too (a first frame kept from an earlier
 * attempt of a queued job has no worker to remove it; a running one removes what it stores
 * after this).
 */
export async function cancelJob(services: ApiServices, user: User, jobId: string): Promise<JobRow> {
  const job = await finishJobUnsuccessfully(services.pool, jobId, {
    status: 'canceled',
    code: 'canceled',
    message: 'Canceled by the user.',
    workerId: null,
    userId: user.id,
  });
  if (!job) {
    const existing = await findJobForUser(services.pool, user.id, jobId);
    throw new AppError(existing ? 'job_not_cancelable' : 'job_not_found');
  }
  // A job a worker has locked cannot be removed; that worker is told to abort instead.
  await services.queues
    .of(job.model)
    .remove(jobId)
    .catch((error: Error) => services.log.info({ err: error, job_id: jobId }, 'canceled job is held by a worker'));
  await publishCancel(services.redis, jobId);
  await services.store
    .deletePrefix(jobPrefix(job.userId, jobId))
    .catch((error: Error) => services.log.warn({ err: error, job_id: jobId }, "could not remove a canceled job's objects; the row no longer names them"));
  await appendJobEvent(services.redis, jobId, { type: 'status', status: 'canceled' });
  await services.webhooks.notify(job, 'canceled');
  return job;
}
