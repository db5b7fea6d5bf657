import { Counter, type Registry } from 'prom-client';
import type { Pool } from '@atelier/db';
import type { ScrapeReads } from './scrapeReads.ts';

const kinds = ['grant', 'reserve', 'charge', 'refund'] as const;

const LAST_ID_SQL = `SELECT coalesce(max(id), 0)::bigint AS "lastId" FROM credit_transactions`;
/** A range scan of the primary key: the rows written since the previous scrape, nothing older. */
const MOVED_SINCE_SQL = `SELECT kind, count(*)::int AS entries, coalesce(sum(abs(amount)), 0)::bigint AS credits, max(id)::bigint AS "lastId"
  FROM credit_transactions WHERE id > $1 GROUP BY kind`;

/**
 * `atelier_credits_moved_total{kind}` (credits) and `atelier_credit_transactions_total{kind}`
 * (ledger rows), by ledger kind: grant, reserve, charge, refund. A charge settles a
 * reservation and moves no credit itself, so it shows in the row count only.
 *
 * Read from the ledger at scrape time, not counted where credits move: they move in the API
 * (submit, cancel, Stripe), in workers (charge, refund) and in one-shot CLI commands (users
 * create, credits grant-monthly) that no one scrapes, and the ledger is the one place all of
 * them pass. The first scrape notes where the ledger ends; each later one reads only the rows
 * added since the one before, so the counters count from this process's first scrape.
 * Every API process counts the same ledger: aggregate with `max`, not `sum`, across them. Approximate by design: a transaction that commits after a
 * later one was already read is missed.
 */
export function countCreditsMoved(pool: Pool, registry: Registry, reads: ScrapeReads): void {
  let lastId: number | null = null;
  // Counters fed by the shared read below: each scrape's new rows are added exactly once.
  const collect = async () => {
    await read();
  };
  const credits = new Counter({
    name: 'atelier_credits_moved_total',
    help: 'Credits moved, by ledger kind (grant, reserve, refund; a charge moves none), since this process was first scraped.',
    labelNames: ['kind'] as const,
    registers: [registry],
    collect,
  });
  const entries = new Counter({
    name: 'atelier_credit_transactions_total',
    help: 'Credit ledger entries written, by kind, since this process was first scraped.',
    labelNames: ['kind'] as const,
    registers: [registry],
    collect,
  });
  // Every kind has a series from the start, so rate() sees the first movement.
  for (const kind of kinds) {
    credits.inc({ kind }, 0);
    entries.inc({ kind }, 0);
  }
  const read = reads.shared('postgres-ledger', async () => {
    if (lastId === null) {
      lastId = (await pool.query<{ lastId: number }>(LAST_ID_SQL)).rows[0]?.lastId ?? 0;
      return;
    }
    const { rows } = await pool.query<{ kind: string; entries: number; credits: number; lastId: number }>(MOVED_SINCE_SQL, [lastId]);
    for (const row of rows) {
      lastId = Math.max(lastId, row.lastId);
      credits.inc({ kind: row.kind }, row.credits);
      entries.inc({ kind: row.kind }, row.entries);
    }
  });
}
