import type { JobKind, JobStatus } from '@atelier/contracts';
import { inTransaction, preparedStatement, type Pool, type Queryable } from './pool.ts';
import { pageOf, type KeysetCursor, type Page } from './cursor.ts';

export interface JobRow {
  id: string;
  userId: string;
  kind: JobKind;
  /** The catalog id of the model the job runs on; its BullMQ queue is `generation/<model>`. */
  model: string;
  prompt: string;
  params: Record<string, unknown>;
  /** The caller's assets the job takes in, by input name (`{ image: "<asset id>" }`). */
  inputs: Record<string, string>;
  /** The asset it was made from (its input picture): what lineage follows. */
  parentAssetId: string | null;
  status: JobStatus;
  priority: number;
  progress: number;
  cost: number;
  workerId: string | null;
  attempts: number;
  /** 1 for the first reservation; each retry from the dead-letter queue reserves again under round + 1. */
  reservationRound: number;
  errorCode: string | null;
  errorMessage: string | null;
  blurhash: string | null;
  previewKey: string | null;
  outputKey: string | null;
  /** Where the job's webhook events go, and which ones (null: no webhook). */
  webhookUrl: string | null;
  webhookEvents: string[] | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** created_at as PostgreSQL prints it: exact to the microsecond, for cursors. */
  createdAtText: string;
}

/** The columns of a JobRow, from `t`. */
export const jobColumns = (t = 'generation_jobs') => `${t}.id, ${t}.user_id AS "userId", ${t}.kind, ${t}.model, ${t}.prompt, ${t}.params,
  ${t}.inputs, ${t}.parent_asset_id AS "parentAssetId", ${t}.status, ${t}.priority, ${t}.progress, ${t}.cost, ${t}.worker_id AS "workerId", ${t}.attempts,
  ${t}.reservation_round AS "reservationRound",
  ${t}.error_code AS "errorCode", ${t}.error_message AS "errorMessage", ${t}.blurhash, ${t}.preview_key AS "previewKey",
  ${t}.output_key AS "outputKey", ${t}.webhook_url AS "webhookUrl", ${t}.webhook_events AS "webhookEvents", ${t}.created_at AS "createdAt", ${t}.started_at AS "startedAt",
  ${t}.finished_at AS "finishedAt", ${t}.created_at::text AS "createdAtText"`;

export interface NewJob {
  userId: string;
  kind: JobKind;
  model: string;
  prompt: string;
  params: Record<string, unknown>;
  inputs?: Record<string, string>;
  parentAssetId?: string | null;
  priority: number;
  cost: number;
  /** The plan's limit on jobs waiting or running at once. */
  maxActiveJobs: number;
  webhook?: { url: string; events: string[] } | null;
  /** The API key it comes through, whose monthly credit cap it must fit under; null for a session. */
  apiKeyId?: string | null;
}

export type SubmitRefusal = 'insufficient_credits' | 'too_many_active_jobs' | 'key_spend_cap_reached';

const keyMonth = `date_trunc('month', now() AT TIME ZONE 'UTC')::date`;

const insertJobStatement = preparedStatement(
  'insert-job',
  `WITH u AS (
     SELECT id FROM users WHERE id = $1 AND $11::uuid IS NOT NULL FOR UPDATE
   ), k AS (
     SELECT api_keys.id, monthly_credit_cap AS cap,
            CASE WHEN spend_month = ${keyMonth} THEN month_spent ELSE 0 END AS spent
     FROM api_keys, u WHERE api_keys.id = $11::uuid AND api_keys.user_id = u.id FOR UPDATE OF api_keys
   ), debit AS (
     UPDATE users SET credits = credits - $6 WHERE id = $1 AND credits >= $6 AND active_jobs < $7
       AND ($11::uuid IS NULL OR EXISTS (SELECT 1 FROM k WHERE k.cap IS NULL OR k.spent + $6 <= k.cap))
     RETURNING id
   ), spend AS (
     UPDATE api_keys SET month_spent = k.spent + $6, spend_month = ${keyMonth} FROM k, debit WHERE api_keys.id = k.id
   ), j AS (
     INSERT INTO generation_jobs (user_id, kind, prompt, params, priority, cost, webhook_url, webhook_events, model, api_key_id, inputs, parent_asset_id)
     SELECT $1, $2, $3, $4, $5, $6, $8, $9, $10, $11::uuid, $12, $13::uuid FROM debit RETURNING *
   ), r AS (
     INSERT INTO credit_transactions (user_id, kind, amount, idempotency_key, job_id, reason)
     SELECT user_id, 'reserve', -cost, 'job:' || id || ':reserve', id, 'Reserved for ' || kind || ' job' FROM j
   )
   SELECT ${jobColumns('j')} FROM j`,
);

/**
 * The job row and the reservation of its cost, in one statement (so one transaction and one
 * round trip). The debit's row lock serialises one user's concurrent submits, and its WHERE
 * is re-checked against the committed row, so neither the balance nor the active-job limit
 * can be overrun. A submit through an API key also locks the key's row (after the user's, the
 * order every statement that touches both keeps) and reads its month's spend as committed
 * last, so two submits can never both fit under its monthly cap. When refused, nothing is
 * written and the reason is returned.
 */
export async function insertJobWithReservation(db: Queryable, job: NewJob): Promise<JobRow | SubmitRefusal> {
  const apiKeyId = job.apiKeyId ?? null;
  const { rows } = await db.query<JobRow>(
    insertJobStatement([
      job.userId,
      job.kind,
      job.prompt,
      job.params,
      job.priority,
      job.cost,
      job.maxActiveJobs,
      job.webhook?.url ?? null,
      job.webhook?.events ?? null,
      job.model,
      apiKeyId,
      job.inputs ?? {},
      job.parentAssetId ?? null,
    ]),
  );
  if (rows[0]) return rows[0];
  if (apiKeyId !== null && (await keyCapRefuses(db, apiKeyId, job.cost))) return 'key_spend_cap_reached';
  const { rows: users } = await db.query<{ credits: number }>(`SELECT credits FROM users WHERE id = $1`, [job.userId]);
  return (users[0]?.credits ?? 0) < job.cost ? 'insufficient_credits' : 'too_many_active_jobs';
}

async function keyCapRefuses(db: Queryable, apiKeyId: string, cost: number): Promise<boolean> {
  const { rows } = await db.query<{ refuses: boolean }>(
    `SELECT monthly_credit_cap IS NOT NULL AND CASE WHEN spend_month = ${keyMonth} THEN month_spent ELSE 0 END + $2 > monthly_credit_cap AS refuses
     FROM api_keys WHERE id = $1`,
    [apiKeyId, cost],
  );
  return rows[0]?.refuses ?? false;
}

const findJobStatement = preparedStatement('find-job', `SELECT ${jobColumns()} FROM generation_jobs WHERE id = $1`);

export async function findJob(db: Queryable, id: string): Promise<JobRow | null> {
  const { rows } = await db.query<JobRow>(findJobStatement([id]));
  return rows[0] ?? null;
}

const findJobForUserStatement = preparedStatement('find-job-for-user', `SELECT ${jobColumns()} FROM generation_jobs WHERE id = $1 AND user_id = $2`);

/** A user's job; another user's job is indistinguishable from a missing one. */
export async function findJobForUser(db: Queryable, userId: string, id: string): Promise<JobRow | null> {
  const { rows } = await db.query<JobRow>(findJobForUserStatement([id, userId]));
  return rows[0] ?? null;
}

/** Newest first, keyset-paged: stable under inserts, no OFFSET scans. */
export async function listJobsForUser(db: Queryable, userId: string, limit: number, cursor: KeysetCursor | null): Promise<Page<JobRow>> {
  const { rows } = await db.query<JobRow>(
    `SELECT ${jobColumns()} FROM generation_jobs
     WHERE user_id = $1 AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
     ORDER BY created_at DESC, id DESC LIMIT $4`,
    [userId, cursor?.createdAt ?? null, cursor?.id ?? null, limit + 1],
  );
  return pageOf(rows, limit);
}

const claimJobStatement = preparedStatement(
  'claim-job',
  `WITH j AS (
     UPDATE generation_jobs
     SET status = 'running', worker_id = $2, attempts = attempts + 1, progress = 0, preview_key = NULL,
         started_at = coalesce(started_at, now()), error_code = NULL, error_message = NULL
     WHERE id = $1 AND status IN ('queued', 'running')
     RETURNING *
   ), abandoned AS (
     UPDATE job_history SET ended_at = now(), outcome = 'abandoned'
     FROM j WHERE job_history.job_id = j.id AND job_history.ended_at IS NULL
   ), h AS (
     INSERT INTO job_history (job_id, attempt, reservation_round, worker_id, gpu)
     SELECT id, attempts, reservation_round, $2, $3 FROM j
   )
   SELECT ${jobColumns('j')} FROM j`,
);

/**
 * A worker takes the job. `running → running` is allowed: a job whose worker died is taken
 * over by the next one, which BullMQ's lock makes the only holder. The same statement writes
 * the attempt to `job_history` and closes an attempt left open by a dead worker as
 * `abandoned`, so the history costs no extra round trip. The preview key is cleared: an
 * earlier attempt's first frame is removed when this one completes, and this attempt stores
 * its own. `gpu` names the device the attempt
 * runs on, where the engine knows it (null for local engines and providers).
 */
export async function claimJob(db: Queryable, id: string, workerId: string, gpu: string | null = null): Promise<JobRow | null> {
  const { rows } = await db.query<JobRow>(claimJobStatement([id, workerId, gpu]));
  return rows[0] ?? null;
}

const recordJobProgressStatement = preparedStatement(
  'record-job-progress',
  `UPDATE generation_jobs
   SET progress = coalesce($3, progress), blurhash = coalesce($4, blurhash), preview_key = coalesce($5, preview_key)
   WHERE id = $1 AND worker_id = $2 AND status = 'running'`,
);

/** Coarse progress and the placeholder, written only by the worker that holds the job. */
export async function recordJobProgress(
  db: Queryable,
  id: string,
  workerId: string,
  update: { progress?: number; blurhash?: string; previewKey?: string },
): Promise<boolean> {
  const { rowCount } = await db.query(recordJobProgressStatement([id, workerId, update.progress ?? null, update.blurhash ?? null, update.previewKey ?? null]));
  return rowCount === 1;
}

export interface CompletedOutput {
  storageKey: string;
  posterKey: string | null;
  contentType: string;
  bytes: number;
  width: number | null;
  height: number | null;
  durationSeconds: number | null;
  blurhash: string | null;
  peaks: number[] | null;
}

const completeJobStatement = preparedStatement(
  'complete-job',
  `WITH j AS (
     UPDATE generation_jobs
     SET status = 'succeeded', progress = 100, output_key = $3, blurhash = coalesce($9, blurhash), finished_at = now()
     WHERE id = $1 AND worker_id = $2 AND status = 'running'
     RETURNING id, user_id, kind, prompt, cost, attempts, reservation_round
   ), h AS (
     UPDATE job_history SET ended_at = now(), outcome = 'succeeded'
     FROM j WHERE job_history.job_id = j.id AND job_history.attempt = j.attempts
   ), a AS (
     INSERT INTO workspace_assets (user_id, job_id, kind, storage_key, poster_key, content_type, bytes, width, height,
                                   duration_seconds, blurhash, peaks, prompt)
     SELECT user_id, id, kind, $3, $4, $5, $6, $7, $8, $10, $9, $11, prompt FROM j
     RETURNING id
   ), c AS (
     INSERT INTO credit_transactions (user_id, kind, amount, idempotency_key, job_id, reason)
     SELECT user_id, 'charge', 0, job_credit_key(id, 'charge', reservation_round), id, 'Charged ' || cost || ' credits for ' || kind || ' job' FROM j
     ON CONFLICT (idempotency_key) DO NOTHING
   )
   SELECT id AS "assetId" FROM a`,
);

/**
 * `running → succeeded`, the asset row and the charge, in one statement. Only the worker that
 * holds the job can finish it, and only once: the second attempt finds no running row and
 * writes nothing. Returns the asset id, or null when the transition was refused.
 */
export async function completeJob(db: Queryable, id: string, workerId: string, output: CompletedOutput): Promise<string | null> {
  const { rows } = await db.query<{ assetId: string }>(
    completeJobStatement([
      id,
      workerId,
      output.storageKey,
      output.posterKey,
      output.contentType,
      output.bytes,
      output.width,
      output.height,
      output.blurhash,
      output.durationSeconds,
      output.peaks === null ? null : JSON.stringify(output.peaks),
    ]),
  );
  return rows[0]?.assetId ?? null;
}

const finishJobUnsuccessfullyStatement = preparedStatement(
  'finish-job-unsuccessfully',
  `WITH j AS (
     UPDATE generation_jobs
     SET status = $2, error_code = $3, error_message = $4, finished_at = now(), preview_key = NULL, output_key = NULL
     WHERE id = $1 AND status IN ('queued', 'running')
       AND ($5::text IS NULL OR worker_id = $5 OR status = 'queued')
       AND ($6::uuid IS NULL OR user_id = $6)
     RETURNING *
   ), h AS (
     UPDATE job_history SET ended_at = now(), outcome = $2, error_code = $3
     FROM j WHERE job_history.job_id = j.id AND job_history.ended_at IS NULL
   ), r AS (
     INSERT INTO credit_transactions (user_id, kind, amount, idempotency_key, job_id, reason)
     SELECT user_id, 'refund', cost, job_credit_key(id, 'refund', reservation_round), id,
            CASE WHEN $2 = 'canceled' THEN 'Refund: job canceled' ELSE 'Refund: job failed' END
     FROM j WHERE cost > 0
     ON CONFLICT (idempotency_key) DO NOTHING
     RETURNING user_id, amount
   ), b AS (
     UPDATE users SET credits = credits + r.amount FROM r WHERE users.id = r.user_id
   )
   SELECT ${jobColumns('j')} FROM j`,
);

/**
 * A final `failed` or `canceled`, with the refund of the reservation, in one statement. The
 * row forgets its files: the caller removes the objects (a constraint holds the row to it). The
 * refund's idempotency key makes a second call move no credit. `workerId` null means any
 * holder (a cancel or the reconciler); otherwise only that worker's hold counts.
 */
export async function finishJobUnsuccessfully(
  db: Queryable,
  id: string,
  outcome: { status: 'failed' | 'canceled'; code: string; message: string; workerId: string | null; userId?: string },
): Promise<JobRow | null> {
  const { rows } = await db.query<JobRow>(
    finishJobUnsuccessfullyStatement([id, outcome.status, outcome.code, outcome.message, outcome.workerId, outcome.userId ?? null]),
  );
  return rows[0] ?? null;
}

const requeueJobStatement = preparedStatement(
  'requeue-job',
  `WITH j AS (
     UPDATE generation_jobs SET status = 'queued', error_code = $3, error_message = $4
     WHERE id = $1 AND worker_id = $2 AND status = 'running'
     RETURNING id, attempts
   ), h AS (
     UPDATE job_history SET ended_at = now(), outcome = $5, error_code = $3
     FROM j WHERE job_history.job_id = j.id AND job_history.attempt = j.attempts
   )
   SELECT id FROM j`,
);

/**
 * `running → queued` before a retry (`retrying`, the attempt failed) or when a stopping worker
 * hands the job back (`returned`), so a reader never sees a job as running that nobody runs.
 */
export async function requeueJob(
  db: Queryable,
  id: string,
  workerId: string,
  error: { code: string; message: string },
  outcome: 'retrying' | 'returned' = 'retrying',
): Promise<boolean> {
  const { rows } = await db.query(requeueJobStatement([id, workerId, error.code, error.message, outcome]));
  return rows.length === 1;
}

export type RequeueRefusal = 'job_not_found' | 'job_not_failed' | 'insufficient_credits';

/**
 * `failed → queued` for a retry from the dead-letter queue, with a fresh reservation of the
 * job's cost under the next round's key (`job:{id}:reserve:2`, …), in one statement. The row
 * lock makes two racing retries reserve once. Not subject to the plan's active-job limit: an
 * operator asked for it.
 */
export async function requeueFailedJob(db: Queryable, id: string): Promise<JobRow | RequeueRefusal> {
  const { rows } = await db.query<JobRow>(
    `WITH target AS (
       SELECT id, user_id, cost FROM generation_jobs WHERE id = $1 AND status = 'failed' FOR UPDATE
     ), debit AS (
       UPDATE users SET credits = credits - target.cost FROM target
       WHERE users.id = target.user_id AND users.credits >= target.cost RETURNING users.id
     ), j AS (
       UPDATE generation_jobs g
       SET status = 'queued', reservation_round = g.reservation_round + 1, progress = 0, worker_id = NULL,
           error_code = NULL, error_message = NULL, finished_at = NULL, output_key = NULL, preview_key = NULL, blurhash = NULL
       FROM debit WHERE g.id = $1
       RETURNING g.*
     ), r AS (
       INSERT INTO credit_transactions (user_id, kind, amount, idempotency_key, job_id, reason)
       SELECT user_id, 'reserve', -cost, job_credit_key(id, 'reserve', reservation_round), id,
              'Reserved again for ' || kind || ' job (retry ' || (reservation_round - 1) || ')'
       FROM j
     )
     SELECT ${jobColumns('j')} FROM j`,
    [id],
  );
  if (rows[0]) return rows[0];
  const job = await findJob(db, id);
  if (!job) return 'job_not_found';
  return job.status === 'failed' ? 'insufficient_credits' : 'job_not_failed';
}

export type UnfinishedJob = Pick<JobRow, 'id' | 'userId' | 'kind' | 'model' | 'status' | 'priority' | 'attempts' | 'createdAt'>;

/**
 * Jobs that should be in the queue: queued or running, created more than `olderThanMs` ago
 * (younger rows may be between their commit and their enqueue), oldest first, keyset-paged
 * by id after `afterId` within one pass.
 */
export async function listUnfinishedJobs(db: Queryable, olderThanMs: number, limit: number, afterId: string | null = null): Promise<UnfinishedJob[]> {
  const { rows } = await db.query<UnfinishedJob>(
    `SELECT id, user_id AS "userId", kind, model, status, priority, attempts, created_at AS "createdAt" FROM generation_jobs
     WHERE status IN ('queued', 'running') AND created_at < now() - make_interval(secs => $1 / 1000.0)
       AND ($3::uuid IS NULL OR id > $3)
     ORDER BY id LIMIT $2`,
    [olderThanMs, limit, afterId],
  );
  return rows;
}

export interface FailedJob extends Pick<JobRow, 'id' | 'kind' | 'model' | 'attempts'> {
  errorCode: string;
  errorMessage: string;
  finishedAt: Date;
}

/** Failed jobs, keyset-paged by id after `afterId`: what the dead-letter queue should hold. */
export async function listFailedJobs(db: Queryable, limit: number, afterId: string | null = null): Promise<FailedJob[]> {
  const { rows } = await db.query<FailedJob>(
    `SELECT id, kind, model, attempts, error_code AS "errorCode", error_message AS "errorMessage", finished_at AS "finishedAt"
     FROM generation_jobs WHERE status = 'failed' AND ($2::uuid IS NULL OR id > $2)
     ORDER BY id LIMIT $1`,
    [limit, afterId],
  );
  return rows;
}

/** Those of `ids` whose job is no longer `failed` (retried meanwhile). */
export async function idsNoLongerFailed(db: Queryable, ids: string[]): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM unnest($1::uuid[]) AS ids(id) WHERE NOT EXISTS (SELECT 1 FROM generation_jobs j WHERE j.id = ids.id AND j.status = 'failed')`,
    [ids],
  );
  return rows.map((row) => row.id);
}

/**
 * Undo a submit whose queue entry could not be added: the job, its reservation and the debit
 * go together, in one transaction, so the user sees neither a job nor a moved credit.
 */
export async function discardUnqueuedJob(pool: Pool, id: string): Promise<void> {
  await inTransaction(pool, async (client) => {
    const { rows } = await client.query<{ userId: string; cost: number }>(
      `DELETE FROM generation_jobs WHERE id = $1 AND status = 'queued' AND attempts = 0 RETURNING user_id AS "userId", cost`,
      [id],
    );
    const job = rows[0];
    if (!job) return;
    await client.query(`DELETE FROM credit_transactions WHERE idempotency_key = $1`, [`job:${id}:reserve`]);
    await client.query(`UPDATE users SET credits = credits + $2 WHERE id = $1`, [job.userId, job.cost]);
  });
}

/**
 * Aging: jobs waiting longer than `olderThanMs` at a priority number above `topPriority` (so
 * behind the best plan's jobs) are raised to `promotedPriority`. The conditional UPDATE hands
 * each job to exactly one caller, which then moves it in the queue too.
 */
export async function promoteWaitingJobs(
  db: Queryable,
  olderThanMs: number,
  topPriority: number,
  promotedPriority: number,
): Promise<{ id: string; model: string }[]> {
  const { rows } = await db.query<{ id: string; model: string }>(
    `UPDATE generation_jobs SET priority = $3
     WHERE status = 'queued' AND priority > $2 AND created_at < now() - make_interval(secs => $1 / 1000.0)
     RETURNING id, model`,
    [olderThanMs, topPriority, promotedPriority],
  );
  return rows;
}

export interface RunStats {
  model: string;
  medianRunSeconds: number;
  finishedLastFiveMinutes: number;
}

/** Recent run times per model, for wait estimates. */
export async function recentRunStats(db: Queryable): Promise<RunStats[]> {
  const { rows } = await db.query<RunStats>(
    `SELECT model,
            coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - started_at)), 0)::float8 AS "medianRunSeconds",
            count(*) FILTER (WHERE finished_at > now() - interval '5 minutes')::int AS "finishedLastFiveMinutes"
     FROM (SELECT model, started_at, finished_at FROM generation_jobs
           WHERE status = 'succeeded' AND finished_at > now() - interval '1 hour' ORDER BY finished_at DESC LIMIT 1000) recent
     GROUP BY model`,
  );
  return rows;
}

/** Queued jobs of these models, oldest first: the admin's list of jobs no live worker serves. */
export async function listJobsWaitingForModels(db: Queryable, models: string[], limit: number): Promise<Pick<JobRow, 'id' | 'kind' | 'model' | 'createdAt'>[]> {
  if (models.length === 0) return [];
  const { rows } = await db.query<Pick<JobRow, 'id' | 'kind' | 'model' | 'createdAt'>>(
    `SELECT id, kind, model, created_at AS "createdAt" FROM generation_jobs
     WHERE status = 'queued' AND model = ANY($1::text[]) ORDER BY created_at LIMIT $2`,
    [models, limit],
  );
  return rows;
}
