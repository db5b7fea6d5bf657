import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instantImagesCatalog } from '../support/catalogFiles.ts';
import { TestPlatform, type TestUser } from '../support/platform.ts';
import { expectExactLedger, quickImage, sleep, submit, waitFor } from './support/jobs.ts';

const JOBS = 500;
const USERS = 5;
const workerEnv = {
  WORKER_CONCURRENCY: '4',
  WORKER_LOCK_DURATION_MS: '2000',
  WORKER_STALLED_INTERVAL_MS: '1000',
  RECONCILE_INTERVAL_MS: '1000',
  RECONCILE_MIN_AGE_MS: '2000',
  LOG_LEVEL: 'warn',
};

let platform: TestPlatform;
let users: TestUser[];

beforeAll(async () => {
  platform = await TestPlatform.start({ SUBMIT_RATE_LIMIT_MAX: '100000', ATELIER_MODELS: instantImagesCatalog() });
  users = await Promise.all(Array.from({ length: USERS }, () => platform.createUser({ plan: 'pro', credits: 10_000 })));
});
afterAll(async () => platform?.stop());

describe('soak', () => {
  it(`${JOBS} jobs while workers are killed every few seconds: every job ends, each charged or refunded exactly once`, async () => {
    const workers = new Set<ChildProcess>(await Promise.all([1, 2, 3].map(() => platform.startWorker(workerEnv))));
    let killing = true;
    let kills = 0;
    const killer = (async () => {
      while (killing) {
        await sleep(1_000 + Math.random() * 2_000);
        if (!killing) break;
        const victim = [...workers][Math.floor(Math.random() * workers.size)]!;
        victim.kill('SIGKILL');
        workers.delete(victim);
        kills++;
        workers.add(await platform.startWorker(workerEnv));
      }
    })();

    const ids: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (next < JOBS) {
          const i = next++;
          ids.push((await submit(platform.baseUrl, users[i % USERS]!, 'image', { ...quickImage, prompt: `soak ${i}` })).id);
          // Paced (about 40 submits a second in all) so the kills land while jobs are in flight.
          await sleep(500);
        }
      }),
    );
    const unfinished = async () =>
      (await platform.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM generation_jobs WHERE status IN ('queued', 'running')`)).rows[0]!.n;
    await waitFor('every job to end', async () => (await unfinished()) === 0, 75_000, 500);
    killing = false;
    await killer;

    expect(kills).toBeGreaterThanOrEqual(2);
    const { rows } = await platform.pool.query<{ status: string; error_code: string | null; n: number }>(
      'SELECT status, error_code, count(*)::int AS n FROM generation_jobs GROUP BY status, error_code',
    );
    const total = rows.reduce((sum, row) => sum + row.n, 0);
    expect(total).toBe(JOBS);
    // A job can only fail here by stalling on every worker that took it.
    for (const row of rows) expect(row.status === 'succeeded' || row.error_code === 'job_stalled', JSON.stringify(rows)).toBe(true);
    await expectExactLedger(
      platform,
      users.map((u) => u.user.id),
    );
    for (const worker of workers) worker.kill('SIGKILL');
  }, 120_000);
});
