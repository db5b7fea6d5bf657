import type { Logger } from 'pino';
import { JobError } from '@atelier/contracts';
import { idsNoLongerFailed, listFailedJobs, listUnfinishedJobs, type UnfinishedJob } from '@atelier/db';
import {
  addDeadLetter,
  deadLettersNeedRebuild,
  enqueueGenerations,
  idsUnknownToQueue,
  markDeadLettersComplete,
  removeDeadLetter,
  type GenerationQueues,
} from '@atelier/queue';
import { failGeneration, stalledTooOften, type FailureDeps } from './failGeneration.ts';

const PAGE_SIZE = 500;

export interface ReconcileResult {
  /** Rows the queue had lost (or had finished without finishing the row), enqueued again. */
  requeued: number;
  /** Rows BullMQ had failed without our processor, finished as `failed`, refunded and dead-lettered. */
  failed: number;
  /** Failed rows put back in the dead-letter queue after Redis lost it. */
  deadLettersRestored: number;
}

/**
 * PostgreSQL is the source of truth; Redis can be lost. For every row that is queued or
 * running and older than `minAgeMs` (younger ones may be between commit and enqueue):
 * - unknown to the queue (Redis lost or flushed): enqueued again under its own id;
 * - completed in the queue but not in the row (a run whose queue entry outlived a flush):
 *   the entry is replaced and the job runs again;
 * - failed in the queue (BullMQ gave up on a job that kept stalling, and the worker that did
 *   so died before finishing the row): `failed`, refunded once and dead-lettered.
 * Lost jobs are added back oldest first, so within a priority they wait in the order they were
 * submitted (BullMQ serves equal priorities in the order they were added).
 * Every step is conditional or idempotent, so any number of reconcilers may run at once.
 */
export async function reconcileOnce(deps: FailureDeps, queues: GenerationQueues, minAgeMs: number, log: Logger): Promise<ReconcileResult> {
  const result: ReconcileResult = { requeued: 0, failed: 0, deadLettersRestored: await rebuildDeadLetters(deps) };
  const lost: UnfinishedJob[] = [];
  let afterId: string | null = null;
  for (;;) {
    const rows = await listUnfinishedJobs(deps.pool, minAgeMs, PAGE_SIZE, afterId);
    // After Redis lost its data every row is unknown: one round trip tells, not one each.
    const unknown = await idsUnknownToQueue(queues, rows);
    for (const row of rows) {
      if (unknown.has(row.id)) {
        lost.push(row);
        continue;
      }
      // Every model's queue, not only the ones this worker serves: any worker may repair any job.
      const queue = queues.of(row.model);
      const state = await queue.getJobState(row.id);
      if (state === 'failed') {
        const reason = (await queue.getJob(row.id))?.failedReason ?? 'failed in the queue';
        const failure = reason.includes('stalled') ? stalledTooOften(reason) : new JobError('internal', `The queue failed the job: ${reason}`);
        if (await failGeneration(deps, row.id, failure, { anyHolder: true })) result.failed++;
        continue;
      }
      if (state === 'completed') await queue.remove(row.id);
      else if (state !== 'unknown') continue;
      lost.push(row);
    }
    if (rows.length < PAGE_SIZE) break;
    afterId = rows.at(-1)!.id;
  }
  lost.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  await enqueueGenerations(
    queues,
    lost.map((row) => ({ payload: { jobId: row.id, kind: row.kind, model: row.model }, priority: row.priority })),
  );
  result.requeued = lost.length;
  if (result.requeued > 0 || result.failed > 0 || result.deadLettersRestored > 0) log.warn(result, 'reconciler repaired jobs the queue had lost or given up');
  return result;
}

/**
 * The dead-letter queue is every failed row, kept in Redis. When Redis has lost it (its
 * completeness marker is gone with it), every failed row gets its entry back, with its error,
 * attempts and the time it failed; entries still there are left as they are. A row retried
 * while this runs may have had its entry removed before ours landed: such entries are taken
 * back, so a rebuild never lists a job that is not failed.
 */
async function rebuildDeadLetters(deps: FailureDeps): Promise<number> {
  if (!(await deadLettersNeedRebuild(deps.deadLetters))) return 0;
  let restored = 0;
  let afterId: string | null = null;
  for (;;) {
    const rows = await listFailedJobs(deps.pool, PAGE_SIZE, afterId);
    await Promise.all(
      rows.map((row) =>
        addDeadLetter(
          deps.deadLetters,
          { jobId: row.id, kind: row.kind, model: row.model, error: { code: row.errorCode, message: row.errorMessage }, attempts: row.attempts },
          row.finishedAt,
        ),
      ),
    );
    const retried = await idsNoLongerFailed(
      deps.pool,
      rows.map((row) => row.id),
    );
    await Promise.all(retried.map((id) => removeDeadLetter(deps.deadLetters, id)));
    restored += rows.length - retried.length;
    if (rows.length < PAGE_SIZE) break;
    afterId = rows.at(-1)!.id;
  }
  await markDeadLettersComplete(deps.deadLetters);
  return restored;
}
