import { plans, type Plan } from '@atelier/contracts';
import type { Queryable } from './pool.ts';
import { grantCredits } from './credits.ts';

/**
 * Record a Stripe event id; false when it was recorded before. Called first in the event's
 * transaction: a concurrent twin waits on the primary key and then finds the row, and a
 * rollback of the effect takes the record with it, so Stripe's retry is applied afresh.
 */
export async function recordStripeEvent(db: Queryable, event: { id: string; type: string; created: number }): Promise<boolean> {
  const { rowCount } = await db.query(`INSERT INTO stripe_events (id, type, created_at) VALUES ($1, $2, to_timestamp($3)) ON CONFLICT (id) DO NOTHING`, [
    event.id,
    event.type,
    event.created,
  ]);
  return rowCount === 1;
}

/**
 * Serialise the events of one Stripe customer until the transaction ends. Without it a
 * subscription event and the checkout that links its customer can pass each other: the first
 * finds no link yet, the second no subscription yet, and the plan is never set. A transaction
 * lock, so nothing outlives the transaction (safe behind PgBouncer in transaction mode).
 */
export async function lockStripeCustomer(db: Queryable, customerId: string): Promise<void> {
  await db.query(`SELECT pg_advisory_xact_lock(hashtextextended('stripe_customer:' || $1, 0))`, [customerId]);
}

/**
 * Link a Stripe customer to a user, unless it is linked already (the first link stands) or the
 * user does not exist. Returns the user the customer is linked to, or null.
 */
export async function linkStripeCustomer(db: Queryable, customerId: string, userId: string): Promise<string | null> {
  const { rows } = await db.query<{ userId: string }>(
    `WITH linked AS (
       INSERT INTO stripe_customers (id, user_id) SELECT $1, id FROM users WHERE id = $2
       ON CONFLICT (id) DO NOTHING RETURNING user_id
     )
     SELECT user_id AS "userId" FROM linked UNION ALL SELECT user_id FROM stripe_customers WHERE id = $1`,
    [customerId, userId],
  );
  return rows[0]?.userId ?? null;
}

export async function findStripeCustomerUser(db: Queryable, customerId: string): Promise<string | null> {
  const { rows } = await db.query<{ userId: string }>(`SELECT user_id AS "userId" FROM stripe_customers WHERE id = $1`, [customerId]);
  return rows[0]?.userId ?? null;
}

/** The customer a user paid with last, so a new checkout reuses it instead of making another. */
export async function latestStripeCustomerOf(db: Queryable, userId: string): Promise<string | null> {
  const { rows } = await db.query<{ id: string }>(`SELECT id FROM stripe_customers WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1`, [userId]);
  return rows[0]?.id ?? null;
}

export interface SubscriptionState {
  subscriptionId: string;
  customerId: string;
  status: string;
  grantsPro: boolean;
  /** The event's `created`, in Unix seconds. */
  at: number;
  /** Breaks ties between events of the same second; higher is later in a subscription's life. */
  rank: number;
  eventId: string;
}

/**
 * Keep the newest state of a subscription. Stripe does not deliver events in order, so each
 * event carries its own time (the event's `created`, whole seconds) and a state replaces the
 * stored one only when (at, rank) is greater: an older event arriving late changes nothing.
 * Returns whether the state was taken.
 */
export async function recordSubscriptionState(db: Queryable, state: SubscriptionState): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO stripe_subscriptions (id, customer_id, status, grants_pro, state_at, state_rank, event_id)
     VALUES ($1, $2, $3, $4, to_timestamp($5), $6, $7)
     ON CONFLICT (id) DO UPDATE
       SET customer_id = EXCLUDED.customer_id, status = EXCLUDED.status, grants_pro = EXCLUDED.grants_pro,
           state_at = EXCLUDED.state_at, state_rank = EXCLUDED.state_rank, event_id = EXCLUDED.event_id, updated_at = now()
       WHERE (EXCLUDED.state_at, EXCLUDED.state_rank) > (stripe_subscriptions.state_at, stripe_subscriptions.state_rank)`,
    [state.subscriptionId, state.customerId, state.status, state.grantsPro, state.at, state.rank, state.eventId],
  );
  return rowCount === 1;
}

/**
 * The plan a user's Stripe subscriptions give: pro while any of them grants it. Null when no
 * subscription of theirs is known, so a link alone never takes away a plan an operator set.
 * Run it in the transaction that then sets the plan: the user's row is locked first, so the
 * subscriptions are read only after any other plan change of this user has committed (two
 * customers of one user must not each decide from a view without the other's news).
 */
export async function stripePlanForUser(db: Queryable, userId: string): Promise<Plan | null> {
  await db.query(`SELECT 1 FROM users WHERE id = $1 FOR UPDATE`, [userId]);
  const { rows } = await db.query<{ grantsPro: boolean | null }>(
    `SELECT bool_or(s.grants_pro) AS "grantsPro"
     FROM stripe_customers c JOIN stripe_subscriptions s ON s.customer_id = c.id WHERE c.user_id = $1`,
    [userId],
  );
  const grantsPro = rows[0]?.grantsPro ?? null;
  return grantsPro === null ? null : grantsPro ? 'pro' : 'free';
}

export interface PlanChange {
  userId: string;
  plan: Plan;
  priority: number;
  planChanged: boolean;
  /** Queued jobs whose row now carries the plan's priority; their queue entries (in their model's queue) must follow. */
  movedJobs: { id: string; model: string }[];
}

/**
 * Set a user's plan and give their queued jobs its priority, in one statement. Jobs whose
 * priority is already right are left alone, so running it again moves nothing. A job another
 * transaction holds is being claimed or canceled, so it is leaving the queue and is skipped:
 * waiting for it would deadlock with a cancel, which locks the job and then the user.
 * Null when there is no such user.
 */
export async function setUserPlan(db: Queryable, userId: string, plan: Plan): Promise<PlanChange | null> {
  const priority = plans[plan].queuePriority;
  const { rows } = await db.query<{ planChanged: boolean; movedJobs: { id: string; model: string }[] }>(
    `WITH target AS (
       SELECT id, plan <> $2 AS changed FROM users WHERE id = $1 FOR UPDATE
     ), u AS (
       UPDATE users SET plan = $2 FROM target WHERE users.id = target.id AND target.changed RETURNING users.id
     ), j AS (
       UPDATE generation_jobs SET priority = $3
       WHERE id IN (SELECT id FROM generation_jobs WHERE user_id IN (SELECT id FROM target) AND status = 'queued' AND priority <> $3
                    FOR UPDATE SKIP LOCKED)
       RETURNING id, model
     )
     SELECT target.changed AS "planChanged",
            coalesce((SELECT json_agg(json_build_object('id', id, 'model', model) ORDER BY id) FROM j), '[]') AS "movedJobs" FROM target`,
    [userId, plan, priority],
  );
  const row = rows[0];
  return row ? { userId, plan, priority, planChanged: row.planChanged, movedJobs: row.movedJobs } : null;
}

/** `YYYY-MM` of a moment, in UTC: the period of a monthly grant. */
export function billingPeriod(at: Date): string {
  return at.toISOString().slice(0, 7);
}

const periodStart = (period: string) => new Date(`${period}-01T00:00:00Z`);

/**
 * A plan's monthly credits, once per user, period and plan. The plan is in the key so that a
 * user who upgrades mid-month gets the Pro grant although the Free one for that month is
 * already theirs; switching back and forth earns nothing more. Returns false when already granted.
 */
export async function grantMonthlyCredits(db: Queryable, userId: string, plan: Plan, period: string): Promise<boolean> {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(period)) throw new Error(`a billing period is YYYY-MM, not "${period}"`);
  const { label, monthlyCredits } = plans[plan];
  return grantCredits(db, userId, monthlyCredits, `grant:${userId}:${period}:${plan}`, `${label} credits for ${period}`);
}

/**
 * Users still owed the monthly grant of their plan for `period`, a page at a time (keyset on
 * id). Free users from the month after they signed up (their starting credits cover the first);
 * Pro users only without a subscription that grants Pro, because a paying user's grant comes
 * with their paid invoice and must not come while a payment is failing.
 */
export async function listUsersDueMonthlyGrant(db: Queryable, period: string, afterId: string | null, limit: number): Promise<{ id: string; plan: Plan }[]> {
  const { rows } = await db.query<{ id: string; plan: Plan }>(
    `SELECT u.id, u.plan FROM users u
     WHERE u.disabled_at IS NULL AND ($3::uuid IS NULL OR u.id > $3)
       AND (u.plan = 'free' AND u.created_at < $2
            OR u.plan = 'pro' AND NOT EXISTS (
              SELECT 1 FROM stripe_customers c JOIN stripe_subscriptions s ON s.customer_id = c.id
              WHERE c.user_id = u.id AND s.grants_pro))
       AND NOT EXISTS (SELECT 1 FROM credit_transactions t WHERE t.idempotency_key = 'grant:' || u.id || ':' || $1 || ':' || u.plan)
     ORDER BY u.id LIMIT $4`,
    [period, periodStart(period), afterId, limit],
  );
  return rows;
}
