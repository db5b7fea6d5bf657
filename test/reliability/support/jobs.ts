import { expect } from 'vitest';
import { ledgerBalance } from '@atelier/db';
import type { TestPlatform, TestUser } from '../../support/platform.ts';
import { readStream } from '../../support/sseClient.ts';

/**
 * Start a worker, submit `body` as a video job, SIGKILL the worker once the job's stream says
 * 50 %, and start another: a death mid-run, as crashedWorker.test.ts and webhookCrashedWorker.test.ts use it.
 */
export async function killWorkerMidRun(platform: TestPlatform, user: TestUser, body: unknown, workerEnv: NodeJS.ProcessEnv) {
  const first = await platform.startWorker(workerEnv);
  const job = await submit(platform.baseUrl, user, 'video', body);
  await readStream(platform.baseUrl + job.streamUrl, user.headers, {
    until: (event) => event.type === 'progress' && (event.data.percent as number) >= 50,
    timeoutMs: 40_000,
  });
  first.kill('SIGKILL');
  const second = await platform.startWorker(workerEnv);
  return { job, second };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Poll `check` every `everyMs` until it returns a value that is not undefined/false, or fail after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

export interface Submitted {
  id: string;
  streamUrl: string;
}

export async function submit(baseUrl: string, user: TestUser, kind: 'image' | 'video' | 'voice', body: unknown): Promise<Submitted> {
  const response = await fetch(`${baseUrl}/api/generate/${kind}`, {
    method: 'POST',
    headers: { ...user.headers, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as { job: { id: string }; streamUrl: string };
  if (response.status !== 202) throw new Error(`submit answered ${response.status}: ${JSON.stringify(answer)}`);
  return { id: answer.job.id, streamUrl: answer.streamUrl };
}

/** About 5 s of work (more under load) for the local video engine on this machine: slow enough to kill mid-job. */
export const slowVideo = { prompt: 'a long pan over snowy ridges', params: { seconds: 6, fps: 30, width: 640, height: 480, seed: 3 } };
export const quickImage = { prompt: 'a small red kite', params: { width: 64, height: 64, steps: 2, seed: 5 } };

export interface JobState {
  status: string;
  progress: number;
  attempts: number;
  worker_id: string | null;
  error_code: string | null;
  reservation_round: number;
  user_id: string;
}

export async function jobRow(platform: TestPlatform, id: string): Promise<JobState> {
  const { rows } = await platform.pool.query<JobState>(
    'SELECT status, progress, attempts, worker_id, error_code, reservation_round, user_id FROM generation_jobs WHERE id = $1',
    [id],
  );
  return rows[0]!;
}

export async function waitForStatus(platform: TestPlatform, id: string, statuses: string[], timeoutMs = 30_000): Promise<JobState> {
  let last: JobState | undefined;
  try {
    return await waitFor(
      `job ${id} to be ${statuses.join('|')}`,
      async () => {
        last = await jobRow(platform, id);
        return statuses.includes(last.status) ? last : undefined;
      },
      timeoutMs,
    );
  } catch (error) {
    const history = await historyOf(platform, id);
    throw new Error(`${(error as Error).message}; last row ${JSON.stringify(last)}; history ${JSON.stringify(history)}`);
  }
}

export async function historyOf(platform: TestPlatform, id: string) {
  const { rows } = await platform.pool.query<{
    attempt: number;
    worker_id: string;
    outcome: string | null;
    reservation_round: number;
    claimed_at: Date;
    ended_at: Date | null;
  }>('SELECT attempt, worker_id, outcome, reservation_round, claimed_at, ended_at FROM job_history WHERE job_id = $1 ORDER BY attempt', [id]);
  return rows;
}

export async function creditMovesOf(platform: TestPlatform, jobId: string) {
  const { rows } = await platform.pool.query<{ kind: string; amount: number; idempotency_key: string }>(
    'SELECT kind, amount, idempotency_key FROM credit_transactions WHERE job_id = $1 ORDER BY id',
    [jobId],
  );
  return rows;
}

/**
 * The ledger is exact: each user's balance equals the sum of their ledger, and each finished
 * job has, per reservation round, one reserve and then exactly one charge (succeeded) or one
 * refund (failed, canceled); an unfinished job's current round has a reserve and nothing else.
 */
export async function expectExactLedger(platform: TestPlatform, userIds: string[]): Promise<void> {
  for (const userId of userIds) {
    const { balance, ledgerSum } = await ledgerBalance(platform.pool, userId);
    expect(balance, `balance of ${userId}`).toBe(ledgerSum);
  }
  const { rows } = await platform.pool.query<{
    id: string;
    status: string;
    reservation_round: number;
    cost: number;
    moves: { kind: string; key: string; amount: number }[];
  }>(
    `SELECT j.id, j.status, j.reservation_round, j.cost,
            coalesce(json_agg(json_build_object('kind', c.kind, 'key', c.idempotency_key, 'amount', c.amount) ORDER BY c.id)
                     FILTER (WHERE c.id IS NOT NULL), '[]') AS moves
     FROM generation_jobs j LEFT JOIN credit_transactions c ON c.job_id = j.id
     WHERE j.user_id = ANY($1::uuid[]) GROUP BY j.id`,
    [userIds],
  );
  for (const job of rows) {
    const reserves = job.moves.filter((m) => m.kind === 'reserve');
    const charges = job.moves.filter((m) => m.kind === 'charge');
    const refunds = job.moves.filter((m) => m.kind === 'refund');
    const label = `job ${job.id} (${job.status}) moves ${JSON.stringify(job.moves)}`;
    expect(reserves, label).toHaveLength(job.reservation_round);
    const settledRounds = ['succeeded', 'failed', 'canceled'].includes(job.status) ? job.reservation_round : job.reservation_round - 1;
    expect(charges.length + refunds.length, label).toBe(settledRounds);
    if (job.status === 'succeeded')
      expect(
        charges.map((c) => c.key),
        label,
      ).toContain(job.reservation_round > 1 ? `job:${job.id}:charge:${job.reservation_round}` : `job:${job.id}:charge`);
    for (const refund of refunds) expect(refund.amount, label).toBe(job.cost);
  }
}
