import type { Redis } from 'ioredis';
import { AppError } from '@atelier/contracts';
import { findJob, listJobAttempts, requeueFailedJob, type JobAttempt, type JobRow, type Pool } from '@atelier/db';
import {
  appendJobEvent,
  enqueueGeneration,
  jobEventsKey,
  listDeadLetters,
  removeDeadLetter,
  type DeadLetterEntry,
  type DeadLetterQueue,
  type GenerationQueues,
} from '@atelier/queue';

/** What the dead-letter operations use; the API and `atelier dlq` both have these. */
export interface DeadLetterDeps {
  pool: Pool;
  redis: Redis;
  queues: GenerationQueues;
  deadLetters: DeadLetterQueue;
}

export interface DeadLetterView {
  jobId: string;
  kind: string;
  model: string | null;
  error: { code: string; message: string };
  attempts: number;
  deadAt: string;
  job: { userId: string; status: string; cost: number; reservationRound: number; createdAt: string } | null;
  history: {
    attempt: number;
    reservationRound: number;
    workerId: string;
    outcome: string | null;
    errorCode: string | null;
    claimedAt: string;
    endedAt: string | null;
  }[];
}

const attemptView = (a: JobAttempt) => ({
  attempt: a.attempt,
  reservationRound: a.reservationRound,
  workerId: a.workerId,
  outcome: a.outcome,
  errorCode: a.errorCode,
  claimedAt: a.claimedAt.toISOString(),
  endedAt: a.endedAt?.toISOString() ?? null,
});

const view = (entry: DeadLetterEntry, job: JobRow | null, history: JobAttempt[]): DeadLetterView => ({
  jobId: entry.jobId,
  kind: entry.kind,
  model: job?.model ?? entry.model ?? null,
  error: entry.error,
  attempts: entry.attempts,
  deadAt: entry.deadAt.toISOString(),
  job: job && { userId: job.userId, status: job.status, cost: job.cost, reservationRound: job.reservationRound, createdAt: job.createdAt.toISOString() },
  history: history.map(attemptView),
});

/** A Redis failure as the stable 503; our own refusals pass through. */
async function onQueue<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('queue_unavailable', undefined, { cause: error instanceof Error ? error.message : String(error) });
  }
}

/** The dead-letter queue, oldest first, each entry with its row and every attempt's worker. */
export async function listDeadLetterJobs(deps: DeadLetterDeps, start: number, count: number): Promise<{ total: number; items: DeadLetterView[] }> {
  const { total, items } = await onQueue(() => listDeadLetters(deps.deadLetters, start, count));
  const ids = items.map((entry) => entry.jobId);
  const [jobs, history] = await Promise.all([Promise.all(ids.map((id) => findJob(deps.pool, id))), listJobAttempts(deps.pool, ids)]);
  return { total, items: items.map((entry, i) => view(entry, jobs[i] ?? null, history.get(entry.jobId) ?? [])) };
}

/**
 * Put a failed job back: `queued` with a fresh reservation under the next round's keys
 * (`job:{id}:reserve:2`, …), a new queue entry with a full set of attempts, its dead letter
 * removed, and its event stream started anew (the old one ends in `failed`, which would end
 * every new reader at once; a reader holding an old id gets `reset` and a snapshot).
 *
 * Order: the last round's queue entry goes first (BullMQ's failed set keeps it, and adding
 * under the same id would be a no-op); then the row and the reservation commit; then the new
 * entry is added. The add cannot happen inside the transaction: a worker taking the entry
 * before the commit would find the row still `failed` and skip it. If Redis fails after the
 * commit, the answer is 503 and the reconciler enqueues the `queued` row on its next pass.
 */
export async function retryDeadLetter(deps: DeadLetterDeps, jobId: string): Promise<JobRow> {
  const before = await findJob(deps.pool, jobId);
  if (!before) throw new AppError('job_not_found');
  if (before.status !== 'failed') throw new AppError('job_not_retryable');
  await onQueue(() => deps.queues.of(before.model).remove(jobId));
  const job = await requeueFailedJob(deps.pool, jobId);
  if (job === 'job_not_failed') throw new AppError('job_not_retryable');
  if (typeof job === 'string') throw new AppError(job);
  await onQueue(async () => {
    await deps.redis.del(jobEventsKey(jobId));
    await appendJobEvent(deps.redis, jobId, { type: 'status', status: 'queued' });
    await enqueueGeneration(deps.queues, { jobId, kind: job.kind, model: job.model }, job.priority);
    await removeDeadLetter(deps.deadLetters, jobId);
  });
  return job;
}

export interface RetryAllResult {
  retried: string[];
  refused: { jobId: string; code: string }[];
}

/** Every job in the dead-letter queue, one at a time; a refused one (say, its user's credits) stays. */
export async function retryAllDeadLetters(deps: DeadLetterDeps): Promise<RetryAllResult> {
  const entries = await onQueue(() => deps.deadLetters.getWaiting(0, -1));
  const result: RetryAllResult = { retried: [], refused: [] };
  for (const entry of entries) {
    const jobId = entry.data.jobId;
    try {
      await retryDeadLetter(deps, jobId);
      result.retried.push(jobId);
    } catch (error) {
      if (!(error instanceof AppError) || error.code === 'queue_unavailable') throw error;
      result.refused.push({ jobId, code: error.code });
    }
  }
  return result;
}
