import { webhookIdOf, type WebhookEvent, type WebhookEventView } from '@atelier/contracts';
import { preparedStatement, type Queryable } from './pool.ts';
import { jobColumns, type JobRow } from './jobs.ts';

export interface WebhookSecrets {
  secret: string;
  /** The secret before the last rotation, while it still signs (null once it has expired). */
  previousSecret: string | null;
  previousExpiresAt: Date | null;
}

const secretColumns = `secret, CASE WHEN previous_expires_at > now() THEN previous_secret END AS "previousSecret",
  CASE WHEN previous_expires_at > now() THEN previous_expires_at END AS "previousExpiresAt"`;

/** The account's secrets; `candidate` becomes its secret when it has none yet. */
export async function ensureWebhookSecret(db: Queryable, userId: string, candidate: string): Promise<WebhookSecrets> {
  const { rows } = await db.query<WebhookSecrets>(
    `WITH inserted AS (
       INSERT INTO webhook_secrets (user_id, secret) VALUES ($1, $2) ON CONFLICT (user_id) DO NOTHING RETURNING *
     )
     SELECT ${secretColumns} FROM inserted
     UNION ALL
     SELECT ${secretColumns} FROM webhook_secrets WHERE user_id = $1 AND NOT EXISTS (SELECT 1 FROM inserted)`,
    [userId, candidate],
  );
  return rows[0]!;
}

/** `secret` replaces the current one, which keeps signing until `previousExpiresAt`. */
export async function rotateWebhookSecret(db: Queryable, userId: string, secret: string, previousExpiresAt: Date): Promise<WebhookSecrets> {
  const { rows } = await db.query<WebhookSecrets>(
    `INSERT INTO webhook_secrets AS s (user_id, secret) VALUES ($1, $2)
     ON CONFLICT (user_id) DO UPDATE SET previous_secret = s.secret, previous_expires_at = $3, secret = EXCLUDED.secret
     RETURNING secret, previous_secret AS "previousSecret", previous_expires_at AS "previousExpiresAt"`,
    [userId, secret, previousExpiresAt],
  );
  return rows[0]!;
}

export interface WebhookDelivery {
  eventId: string;
  event: WebhookEvent;
  status: 'pending' | 'delivered' | 'failed';
  body: string | null;
  eventCreatedAt: Date;
  job: JobRow;
  /** null when the account has no secret yet. */
  secrets: WebhookSecrets | null;
}

const findWebhookDeliveryStatement = preparedStatement(
  'find-webhook-delivery',
  `SELECT e.id AS "eventId", e.event, e.status, e.body, e.created_at AS "eventCreatedAt", row_to_json(j) AS job,
          CASE WHEN s.user_id IS NULL THEN NULL ELSE json_build_object(
            'secret', s.secret,
            'previousSecret', CASE WHEN s.previous_expires_at > now() THEN s.previous_secret END,
            'previousExpiresAt', CASE WHEN s.previous_expires_at > now() THEN s.previous_expires_at END) END AS secrets
   FROM webhook_events e
   CROSS JOIN LATERAL (SELECT ${jobColumns()} FROM generation_jobs WHERE generation_jobs.id = e.job_id) j
   LEFT JOIN webhook_secrets s ON s.user_id = j."userId"
   WHERE e.job_id = $1 AND e.reservation_round = $2 AND e.event = $3`,
);

/** An event of the outbox with its job and the account's secrets, in one read. */
export async function findWebhookDelivery(db: Queryable, jobId: string, reservationRound: number, event: WebhookEvent): Promise<WebhookDelivery | null> {
  const { rows } = await db.query<WebhookDelivery & { job: Record<string, unknown> }>(findWebhookDeliveryStatement([jobId, reservationRound, event]));
  const row = rows[0];
  if (!row) return null;
  const job = row.job as unknown as JobRow & Record<'createdAt' | 'startedAt' | 'finishedAt', string | null>;
  const asDate = (value: string | null) => (value === null ? null : new Date(value));
  return {
    ...row,
    job: { ...job, createdAt: new Date(job.createdAt!), startedAt: asDate(job.startedAt), finishedAt: asDate(job.finishedAt) },
    secrets: row.secrets && { ...row.secrets, previousExpiresAt: asDate(row.secrets.previousExpiresAt as unknown as string | null) },
  };
}

/** The body every attempt of the event sends: the first caller's, whoever comes later. */
export async function fixWebhookBody(db: Queryable, eventId: string, body: string): Promise<string> {
  const { rows } = await db.query<{ body: string }>(
    preparedStatement('fix-webhook-body', `UPDATE webhook_events SET body = coalesce(body, $2) WHERE id = $1 RETURNING body`)([eventId, body]),
  );
  return rows[0]?.body ?? body;
}

export interface WebhookAttempt {
  statusCode: number | null;
  durationMs: number;
  response: string | null;
  error: string | null;
}

export type WebhookOutcome = { status: 'delivered' | 'failed' } | { status: 'pending'; nextAttemptAt: Date };

const recordWebhookAttemptStatement = preparedStatement(
  'record-webhook-attempt',
  `WITH a AS (
     INSERT INTO webhook_attempts (event_id, status_code, duration_ms, response, error) VALUES ($1, $2, $3, $4, $5)
   )
   UPDATE webhook_events SET status = $6, next_attempt_at = coalesce($7, next_attempt_at),
          finished_at = CASE WHEN $6 = 'pending' THEN NULL ELSE now() END
   WHERE id = $1 AND status = 'pending'`,
);

/** The attempt, and where the event stands after it, in one statement. */
export async function recordWebhookAttempt(db: Queryable, eventId: string, attempt: WebhookAttempt, outcome: WebhookOutcome): Promise<void> {
  const nextAttemptAt = outcome.status === 'pending' ? outcome.nextAttemptAt : null;
  await db.query(
    recordWebhookAttemptStatement([eventId, attempt.statusCode, attempt.durationMs, attempt.response, attempt.error, outcome.status, nextAttemptAt]),
  );
}

/** Every event of a job with every attempt, oldest first, as the API lists them. */
export async function listWebhookEventsOfJob(db: Queryable, jobId: string): Promise<WebhookEventView[]> {
  const { rows } = await db.query<Omit<WebhookEventView, 'webhookId' | 'createdAt'> & { id: string; createdAt: Date }>(
    `SELECT e.id, e.event, e.status, e.created_at AS "createdAt",
            coalesce((SELECT json_agg(json_build_object('attemptedAt', a.attempted_at, 'statusCode', a.status_code,
                        'durationMs', a.duration_ms, 'response', a.response, 'error', a.error) ORDER BY a.attempted_at, a.id)
                      FROM webhook_attempts a WHERE a.event_id = e.id), '[]') AS attempts
     FROM webhook_events e WHERE e.job_id = $1 ORDER BY e.created_at, e.id`,
    [jobId],
  );
  return rows.map(({ id, createdAt, attempts, ...event }) => ({
    ...event,
    webhookId: webhookIdOf(id),
    createdAt: createdAt.toISOString(),
    attempts: attempts.map((attempt) => ({ ...attempt, attemptedAt: new Date(attempt.attemptedAt).toISOString() })),
  }));
}

export interface OverdueWebhookEvent {
  jobId: string;
  reservationRound: number;
  event: WebhookEvent;
}

/**
 * Pending events that should have been tried more than `olderThanMs` ago: their queue entry
 * was never added (a process died after the transition) or Redis lost it. Oldest first.
 */
export async function listOverdueWebhookEvents(db: Queryable, olderThanMs: number, limit: number): Promise<OverdueWebhookEvent[]> {
  const { rows } = await db.query<OverdueWebhookEvent>(
    `SELECT job_id AS "jobId", reservation_round AS "reservationRound", event FROM webhook_events
     WHERE status = 'pending' AND next_attempt_at < now() - make_interval(secs => $1 / 1000.0)
     ORDER BY next_attempt_at LIMIT $2`,
    [olderThanMs, limit],
  );
  return rows;
}
