import type { Queryable } from './pool.ts';
import type { Page } from './cursor.ts';

export interface CreditTransaction {
  id: number;
  kind: 'grant' | 'reserve' | 'charge' | 'refund';
  amount: number;
  reason: string;
  jobId: string | null;
  idempotencyKey: string;
  createdAt: Date;
}

/**
 * Add credits once per idempotency key (`stripe:{event}`, `grant:{user}:{period}`…).
 * Returns false when that key was already granted.
 */
export async function grantCredits(db: Queryable, userId: string, amount: number, idempotencyKey: string, reason: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `WITH g AS (
       INSERT INTO credit_transactions (user_id, kind, amount, idempotency_key, reason)
       VALUES ($1, 'grant', $2, $3, $4) ON CONFLICT (idempotency_key) DO NOTHING RETURNING user_id, amount
     )
     UPDATE users SET credits = credits + g.amount FROM g WHERE users.id = g.user_id`,
    [userId, amount, idempotencyKey, reason],
  );
  return rowCount === 1;
}

/** The ledger, newest first. The cursor is the last transaction id seen. */
/** A ledger cursor is a row id (bigint) in base64url; null for anything else (`1.5`, `1e30`, text). */
export function decodeCreditCursor(cursor: string): number | null {
  const text = Buffer.from(cursor, 'base64url').toString();
  const id = Number(text);
  return /^[1-9]\d{0,15}$/.test(text) && Number.isSafeInteger(id) ? id : null;
}

export async function listCreditTransactions(db: Queryable, userId: string, limit: number, cursor: string | null): Promise<Page<CreditTransaction>> {
  const before = cursor === null ? null : decodeCreditCursor(cursor);
  const { rows } = await db.query<CreditTransaction>(
    `SELECT id, kind, amount, reason, job_id AS "jobId", idempotency_key AS "idempotencyKey", created_at AS "createdAt"
     FROM credit_transactions WHERE user_id = $1 AND ($2::bigint IS NULL OR id < $2) ORDER BY id DESC LIMIT $3`,
    [userId, before, limit + 1],
  );
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? Buffer.from(String(last.id)).toString('base64url') : null };
}

/** Balance and ledger sum side by side: they must always be equal. */
export async function ledgerBalance(db: Queryable, userId: string): Promise<{ balance: number; ledgerSum: number }> {
  const { rows } = await db.query<{ balance: number; ledgerSum: number }>(
    `SELECT u.credits AS balance, coalesce((SELECT sum(amount) FROM credit_transactions WHERE user_id = u.id), 0)::int AS "ledgerSum"
     FROM users u WHERE u.id = $1`,
    [userId],
  );
  return rows[0] ?? { balance: 0, ledgerSum: 0 };
}
