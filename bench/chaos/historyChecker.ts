/**
 * What must hold after any number of faults, checked against PostgreSQL (the truth), Redis
 * (each job's event stream), the object store's folder and what every client saw:
 * - every accepted submit reached exactly one terminal state;
 * - every balance equals its ledger sum, and no job was charged twice, refunded twice, or both;
 * - every client's events, joined across its reconnects, are the job's stream: in order, no
 *   duplicate, no gap (entries the stream lost with Redis excepted: the client had them first);
 * - no stored object without its asset row (or its job's preview), no asset without its object.
 */
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Redis } from 'ioredis';
import { ledgerBalance, type Pool } from '@atelier/db';
import { compareStreamIds, readJobEvents } from '@atelier/queue';
import type { FollowedJob } from './simulatedUsers.ts';

export interface CheckResult {
  violations: string[];
  figures: Record<string, number>;
}

const TERMINAL = ['succeeded', 'failed', 'canceled'];

export async function checkHistory(pool: Pool, redis: Redis, storageDir: string, jobs: FollowedJob[], userIds: string[]): Promise<CheckResult> {
  const violations: string[] = [];
  const figures: Record<string, number> = { accepted: jobs.length };
  const note = (violation: string) => violations.length < 200 && violations.push(violation);

  await checkTerminal(pool, jobs, note, figures);
  await checkLedger(pool, userIds, note);
  await checkStreams(redis, jobs, note, figures);
  await checkObjects(pool, storageDir, note, figures);
  return { violations, figures };
}

async function checkTerminal(pool: Pool, jobs: FollowedJob[], note: (v: string) => void, figures: Record<string, number>) {
  const { rows } = await pool.query<{ id: string; status: string; assets: number; terminal_attempts: number; attempts: number }>(
    `SELECT j.id, j.status, j.attempts,
            (SELECT count(*)::int FROM workspace_assets a WHERE a.job_id = j.id) AS assets,
            (SELECT count(*)::int FROM job_history h WHERE h.job_id = j.id AND h.outcome IN ('succeeded', 'failed', 'canceled')) AS terminal_attempts
     FROM generation_jobs j WHERE j.id = ANY($1::uuid[])`,
    [jobs.map((job) => job.jobId)],
  );
  const byId = new Map(rows.map((row) => [row.id, row]));
  for (const status of TERMINAL) figures[status] = rows.filter((row) => row.status === status).length;
  figures['runs beyond the first'] = rows.reduce((sum, row) => sum + Math.max(0, row.attempts - 1), 0);
  for (const job of jobs) {
    const row = byId.get(job.jobId);
    if (!row) note(`job ${job.jobId}: accepted (202) but no row`);
    else if (!TERMINAL.includes(row.status)) note(`job ${job.jobId}: still ${row.status}`);
    else if (row.terminal_attempts > 1) note(`job ${job.jobId}: ${row.terminal_attempts} attempts ended it`);
    else if (row.status === 'succeeded' && row.assets !== 1) note(`job ${job.jobId}: succeeded with ${row.assets} assets`);
    else if (row.status !== 'succeeded' && row.assets !== 0) note(`job ${job.jobId}: ${row.status} with ${row.assets} assets`);
  }
}

async function checkLedger(pool: Pool, userIds: string[], note: (v: string) => void) {
  for (const userId of userIds) {
    const { balance, ledgerSum } = await ledgerBalance(pool, userId);
    if (balance !== ledgerSum) note(`user ${userId}: balance ${balance}, ledger sum ${ledgerSum}`);
  }
  const { rows } = await pool.query<{ id: string; status: string; reservation_round: number; reserves: number; charges: number; refunds: number }>(
    `SELECT j.id, j.status, j.reservation_round,
            count(*) FILTER (WHERE c.kind = 'reserve')::int AS reserves,
            count(*) FILTER (WHERE c.kind = 'charge')::int AS charges,
            count(*) FILTER (WHERE c.kind = 'refund')::int AS refunds
     FROM generation_jobs j LEFT JOIN credit_transactions c ON c.job_id = j.id
     WHERE j.user_id = ANY($1::uuid[]) GROUP BY j.id`,
    [userIds],
  );
  for (const job of rows) {
    const settled = TERMINAL.includes(job.status) ? job.reservation_round : job.reservation_round - 1;
    const label = `job ${job.id} (${job.status}): ${job.reserves} reserve, ${job.charges} charge, ${job.refunds} refund`;
    if (job.reserves !== job.reservation_round || job.charges + job.refunds !== settled) note(`${label}: not settled exactly once`);
    else if (job.status === 'succeeded' && job.charges < 1) note(`${label}: succeeded without a charge`);
    else if (job.status !== 'succeeded' && TERMINAL.includes(job.status) && job.refunds < 1) note(`${label}: not refunded`);
  }
}

/**
 * The stream as Redis holds it now is the job's record. A client's entries must be in order
 * with no duplicate; from the first entry it saw that the stream still holds, it must have
 * seen every later entry; entries it saw that the stream no longer holds must all come before
 * the stream's first (they were lost with Redis after the client had them).
 */
async function checkStreams(redis: Redis, jobs: FollowedJob[], note: (v: string) => void, figures: Record<string, number>) {
  let lostBefore = 0;
  for (const job of jobs) {
    const ids = job.entries.map((entry) => entry.id);
    for (let i = 1; i < ids.length; i++) {
      if (compareStreamIds(ids[i - 1]!, ids[i]!) >= 0) {
        note(`job ${job.jobId}: client saw ${ids[i]} after ${ids[i - 1]} (duplicate or out of order)`);
        break;
      }
    }
    if (job.terminal === '') note(`job ${job.jobId}: its client never saw it end (${job.reconnects} reconnects)`);
    const record = (await readJobEvents(redis, job.jobId, null)).map((entry) => entry.id);
    if (record.length === 0) continue;
    const seen = new Set(ids);
    const first = record.findIndex((id) => seen.has(id));
    const missing = first < 0 ? [] : record.slice(first).filter((id) => !seen.has(id));
    if (missing.length > 0 && job.terminal !== '') note(`job ${job.jobId}: client missed ${missing.length} entries (${missing.slice(0, 3).join(', ')})`);
    const gone = ids.filter((id) => !record.includes(id));
    if (gone.some((id) => compareStreamIds(id, record[0]!) > 0)) note(`job ${job.jobId}: client saw entries the stream never held`);
    if (gone.length > 0) lostBefore++;
  }
  figures['streams that outlived a Redis loss'] = lostBefore;
  figures['client reconnects'] = jobs.reduce((sum, job) => sum + job.reconnects, 0);
}

async function checkObjects(pool: Pool, storageDir: string, note: (v: string) => void, figures: Record<string, number>) {
  const { rows } = await pool.query<{ key: string }>(
    `SELECT storage_key AS key FROM workspace_assets
     UNION ALL SELECT poster_key FROM workspace_assets WHERE poster_key IS NOT NULL
     UNION ALL SELECT preview_key FROM generation_jobs WHERE status = 'succeeded' AND preview_key IS NOT NULL`,
  );
  const expected = new Set(rows.map((row) => row.key));
  const stored = new Set<string>();
  let staged = 0;
  for (const path of await filesUnder(storageDir)) {
    const name = path.slice(path.lastIndexOf('/') + 1);
    if (name.endsWith('.meta.json')) continue;
    // A put a killed worker never committed: not an object (the store never renamed it into place).
    if (name.startsWith('.') && name.endsWith('.tmp')) {
      staged++;
      continue;
    }
    stored.add(relative(storageDir, path));
  }
  for (const key of stored) if (!expected.has(key)) note(`object ${key}: no asset or job preview names it`);
  for (const key of expected) if (!stored.has(key)) note(`asset ${key}: its object is missing`);
  figures['objects stored'] = stored.size;
  figures['uncommitted staging files left by killed workers'] = staged;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

/** When each job's next attempt, on another worker, claimed it after `since` (ms since the epoch). */
export async function reclaimTimes(pool: Pool, jobIds: string[], pid: number, since: number): Promise<number[]> {
  const { rows } = await pool.query<{ job_id: string; claimed: Date }>(
    `SELECT job_id, min(claimed_at) AS claimed FROM job_history
     WHERE job_id = ANY($1::uuid[]) AND worker_id NOT LIKE $2 AND claimed_at > to_timestamp($3 / 1000.0) GROUP BY job_id`,
    [jobIds, `%:${pid}:%`, since],
  );
  return rows.map((row) => row.claimed.getTime() - since);
}
