import { JobError } from '@atelier/contracts';
import { findJob, finishJobUnsuccessfully, requeueJob } from '@atelier/db';
import { addDeadLetter, type DeadLetterQueue } from '@atelier/queue';
import { jobPrefix } from '@atelier/storage';
import type { GenerationDeps } from './runGeneration.ts';
import { JobEventWriter } from './jobEventWriter.ts';

export interface FailureDeps extends GenerationDeps {
  deadLetters: DeadLetterQueue;
}

/**
 * The last attempt failed (or the failure is not worth retrying): `failed`, the reservation
 * refunded once, the objects of failed attempts removed, and the job kept in the dead-letter
 * queue with its error and attempts. `anyHolder` is for jobs no live worker holds (BullMQ gave
 * up on a job that kept stalling, or the reconciler found one in BullMQ's failed set).
 * Returns false when no row changed: it was canceled, finished, or taken over meanwhile, and
 * whoever did that reported it.
 */
export async function failGeneration(deps: FailureDeps, jobId: string, failure: JobError, options: { anyHolder?: boolean } = {}): Promise<boolean> {
  const job = await finishJobUnsuccessfully(deps.pool, jobId, {
    status: 'failed',
    code: failure.code,
    message: failure.message,
    workerId: options.anyHolder ? null : deps.workerId,
  });
  if (!job) {
    // A cancel refunded and ended the stream; what this attempt stored is still ours to remove.
    if (failure.code === 'canceled') await removeObjectsOfCanceledJob(deps, jobId);
    return false;
  }
  const events = new JobEventWriter(deps.redis, jobId);
  events.emit({ type: 'error', code: failure.code, message: failure.message, retrying: false });
  events.emit({ type: 'status', status: 'failed' });
  await Promise.all([
    events.flush(),
    deps.store.deletePrefix(jobPrefix(job.userId, jobId)),
    addDeadLetter(deps.deadLetters, {
      jobId,
      kind: job.kind,
      model: job.model,
      error: { code: failure.code, message: failure.message },
      attempts: job.attempts,
    }),
    deps.webhooks.notify(job, 'failed'),
  ]);
  return true;
}

async function removeObjectsOfCanceledJob(deps: GenerationDeps, jobId: string): Promise<void> {
  const job = await findJob(deps.pool, jobId);
  if (job?.status === 'canceled') await deps.store.deletePrefix(jobPrefix(job.userId, jobId));
}

/** A retryable failure with attempts left: back to `queued`, and the stream says it will retry. */
export async function retryGeneration(deps: GenerationDeps, jobId: string, failure: JobError): Promise<void> {
  if (!(await requeueJob(deps.pool, jobId, deps.workerId, { code: failure.code, message: failure.message }))) return;
  const events = new JobEventWriter(deps.redis, jobId);
  events.emit({ type: 'error', code: failure.code, message: failure.message, retrying: true });
  events.emit({ type: 'status', status: 'queued' });
  await events.flush();
}

/** A stopping worker hands a running job back: `queued` again, with no attempt spent. */
export async function returnGeneration(deps: GenerationDeps, jobId: string): Promise<void> {
  const reason = { code: 'engine_failed', message: 'The worker running this job shut down; another worker will run it.' };
  if (!(await requeueJob(deps.pool, jobId, deps.workerId, reason, 'returned'))) return;
  const events = new JobEventWriter(deps.redis, jobId);
  events.emit({ type: 'status', status: 'queued' });
  await events.flush();
}

/** BullMQ failed the job without our processor (it stalled more than `maxStalledCount` times). */
export const stalledTooOften = (reason: string): JobError =>
  new JobError('job_stalled', `The job stopped its worker too many times and was given up (${reason}).`);
