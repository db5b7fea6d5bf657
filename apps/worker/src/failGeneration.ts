import type { Queue } from 'bullmq';
import { queues, type JobError } from '@atelier/contracts';
import { finishJobUnsuccessfully, requeueJob } from '@atelier/db';
import { jobPrefix } from '@atelier/storage';
import type { GenerationDeps } from './runGeneration.ts';
import { JobEventWriter } from './jobEventWriter.ts';

/**
 * The last attempt failed (or the failure is not worth retrying): `failed`, the reservation
 * refunded once, the objects of failed attempts removed, and the job kept in the dead-letter
 * queue with its error and attempts.
 */
export async function failGeneration(deps: GenerationDeps & { deadLetters: Queue }, jobId: string, kind: string, failure: JobError, attempts: number): Promise<void> {
  const job = await finishJobUnsuccessfully(deps.pool, jobId, { status: 'failed', code: failure.code, message: failure.message, workerId: deps.workerId });
  // No row changed: it was canceled, finished, or taken over meanwhile; whoever did that reported it.
  if (!job) return;
  const events = new JobEventWriter(deps.redis, jobId);
  events.emit({ type: 'error', code: failure.code, message: failure.message, retrying: false });
  events.emit({ type: 'status', status: 'failed' });
  await Promise.all([
    events.flush(),
    deps.store.deletePrefix(jobPrefix(job.userId, jobId)),
    deps.deadLetters.add(queues.deadLetter.jobName, { jobId, kind, error: { code: failure.code, message: failure.message }, attempts }, { jobId }),
  ]);
}

/** A retryable failure with attempts left: back to `queued`, and the stream says it will retry. */
export async function retryGeneration(deps: GenerationDeps, jobId: string, failure: JobError): Promise<void> {
  if (!(await requeueJob(deps.pool, jobId, deps.workerId, { code: failure.code, message: failure.message }))) return;
  const events = new JobEventWriter(deps.redis, jobId);
  events.emit({ type: 'error', code: failure.code, message: failure.message, retrying: true });
  events.emit({ type: 'status', status: 'queued' });
  await events.flush();
}
