import type { JobKind } from '@atelier/contracts';
import { decodeCreditCursor } from './credits.ts';
import type { Page } from './cursor.ts';
import type { Queryable } from './pool.ts';

export interface CreditLine {
  id: number;
  kind: 'grant' | 'reserve' | 'charge' | 'refund';
  amount: number;
  reason: string;
  createdAt: Date;
  job: { id: string; kind: JobKind; model: string; prompt: string; status: string; reserved: number; charged: number; refunded: number } | null;
}

interface CreditLineRow extends Omit<CreditLine, 'job'> {
  jobId: string | null;
  jobKind: JobKind;
  model: string;
  prompt: string;
  status: string;
  reserved: number;
  refunded: number;
  charges: number;
}

/**
 * The ledger as a person reads it, newest first: one line per job (anchored on its first row,
 * its reservation; every later row of the job is gathered into it) and one per movement of no
 * job (grants). A line's amount is the job's net change, so the lines still add up to the
 * balance. `charged` is what the job kept: the reservations less the refunds, once a round
 * succeeded. Paged by the anchor's id, as the plain ledger is.
 */
export async function listCreditLines(db: Queryable, userId: string, limit: number, cursor: string | null): Promise<Page<CreditLine>> {
  const before = cursor === null ? null : decodeCreditCursor(cursor);
  const { rows } = await db.query<CreditLineRow>(
    `SELECT a.id, a.kind, coalesce(s.amount, a.amount) AS amount, a.reason, a.created_at AS "createdAt", a.job_id AS "jobId",
            g.kind AS "jobKind", g.model, g.prompt, g.status, s.reserved, s.refunded, s.charges
     FROM credit_transactions a
     LEFT JOIN generation_jobs g ON g.id = a.job_id
     LEFT JOIN LATERAL (
       SELECT sum(t.amount)::int AS amount,
              coalesce(-sum(t.amount) FILTER (WHERE t.kind = 'reserve'), 0)::int AS reserved,
              coalesce(sum(t.amount) FILTER (WHERE t.kind = 'refund'), 0)::int AS refunded,
              count(*) FILTER (WHERE t.kind = 'charge')::int AS charges
       FROM credit_transactions t WHERE t.job_id = a.job_id
     ) s ON a.job_id IS NOT NULL
     WHERE a.user_id = $1 AND ($2::bigint IS NULL OR a.id < $2)
       AND (a.job_id IS NULL OR NOT EXISTS (SELECT 1 FROM credit_transactions e WHERE e.job_id = a.job_id AND e.id < a.id))
     ORDER BY a.id DESC LIMIT $3`,
    [userId, before, limit + 1],
  );
  const items = rows.slice(0, limit).map(lineOf);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? Buffer.from(String(last.id)).toString('base64url') : null };
}

function lineOf({ jobId, jobKind, model, prompt, status, reserved, refunded, charges, ...line }: CreditLineRow): CreditLine {
  const job = jobId && { id: jobId, kind: jobKind, model, prompt, status, reserved, refunded, charged: charges > 0 ? reserved - refunded : 0 };
  return { ...line, id: Number(line.id), job: job || null };
}
