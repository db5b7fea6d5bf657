import { Gauge, type Registry } from 'prom-client';
import type { Pool } from '@atelier/db';
import type { ScrapeReads } from './scrapeReads.ts';

const unfinished = ['queued', 'running'] as const;

/**
 * Counted on the partial index `generation_jobs_unfinished_idx`, so the cost follows the
 * number of unfinished jobs, not the size of the table. (Finished jobs are counted where
 * they finish: `atelier_job_run_seconds_count{outcome}` on the workers.)
 */
const COUNT_UNFINISHED_SQL = `SELECT status, count(*)::int AS count FROM generation_jobs WHERE status IN ('queued', 'running') GROUP BY status`;

/**
 * `atelier_jobs_unfinished{status}`: jobs PostgreSQL holds as queued or running, read at
 * scrape time. PostgreSQL is the source of truth: compare with the queue's own counts
 * (`atelier_queue_jobs`) to see jobs the queue lost (the reconciler re-adds them).
 */
export function countUnfinishedJobs(pool: Pool, registry: Registry, reads: ScrapeReads): void {
  const read = reads.shared('postgres', async () => (await pool.query<{ status: string; count: number }>(COUNT_UNFINISHED_SQL)).rows);
  new Gauge({
    name: 'atelier_jobs_unfinished',
    help: 'Jobs in PostgreSQL that are queued or running, read at scrape time.',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const rows = await read();
      this.reset();
      if (rows === null) return;
      for (const status of unfinished) this.set({ status }, rows.find((row) => row.status === status)?.count ?? 0);
    },
  });
}
