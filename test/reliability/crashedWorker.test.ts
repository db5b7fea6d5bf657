import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeadLetterQueue } from '@atelier/queue';
import { TestPlatform, type TestUser } from '../support/platform.ts';
import { creditMovesOf, expectExactLedger, killWorkerMidRun, historyOf, jobRow, sleep, slowVideo, submit, waitFor, waitForStatus } from './support/jobs.ts';

/** Short locks so a dead worker's job is taken over within about 3 s (lock 2 s + check every 1 s). */
const workerEnv = { WORKER_CONCURRENCY: '1', WORKER_LOCK_DURATION_MS: '2000', WORKER_STALLED_INTERVAL_MS: '1000' };

let platform: TestPlatform;
let user: TestUser;

beforeAll(async () => {
  platform = await TestPlatform.start();
  user = await platform.createUser({ plan: 'pro', credits: 1_000 });
});
afterAll(async () => {
  await expectExactLedger(platform, [user.user.id]);
  await platform?.stop();
});

const heldBy = (row: { worker_id: string | null }, worker: ChildProcess) => row.worker_id?.includes(`:${worker.pid}:`) ?? false;
const waitUntilRunningOn = (id: string, worker: ChildProcess) =>
  waitFor(
    `job ${id} running on pid ${worker.pid}`,
    async () => {
      const row = await jobRow(platform, id);
      return row.status === 'running' && heldBy(row, worker);
    },
    40_000,
    50,
  );

describe('a worker killed mid-job', () => {
  it('SIGKILL at about 50 %: a second worker runs it from the start, two workers in the history, charged once', async () => {
    const { job, second } = await killWorkerMidRun(platform, user, slowVideo, workerEnv);

    await waitForStatus(platform, job.id, ['succeeded', 'failed'], 60_000);
    const row = await jobRow(platform, job.id);
    expect(row.status).toBe('succeeded');
    expect(heldBy(row, second)).toBe(true);
    const history = await historyOf(platform, job.id);
    expect(history.map((h) => h.outcome)).toEqual(['abandoned', 'succeeded']);
    expect(new Set(history.map((h) => h.worker_id)).size).toBe(2);
    expect(row.attempts).toBe(2);
    const moves = await creditMovesOf(platform, job.id);
    expect(moves.map((m) => m.kind)).toEqual(['reserve', 'charge']);
    const assets = await platform.pool.query('SELECT storage_key FROM workspace_assets WHERE job_id = $1', [job.id]);
    expect(assets.rows).toHaveLength(1);
    expect(assets.rows[0].storage_key).toMatch(/\/a2-output\.mp4$/);
    second.kill('SIGKILL');
  }, 120_000);

  it('a job that kills every worker that takes it is given up after its stalls: failed, refunded once, dead-lettered', async () => {
    const job = await submit(platform.baseUrl, user, 'video', slowVideo);
    const killed: ChildProcess[] = [];
    // maxStalledCount is attempts - 1 = 2: the third stall makes BullMQ fail it on the next take.
    for (let round = 0; round < 3; round++) {
      const worker = await platform.startWorker(workerEnv);
      await waitUntilRunningOn(job.id, worker);
      worker.kill('SIGKILL');
      killed.push(worker);
    }
    const survivor = await platform.startWorker(workerEnv);
    const row = await waitForStatus(platform, job.id, ['failed', 'succeeded'], 30_000);
    expect(row).toMatchObject({ status: 'failed', error_code: 'job_stalled' });
    const history = await historyOf(platform, job.id);
    expect(history).toHaveLength(3);
    expect(new Set(history.map((h) => h.worker_id)).size).toBe(3);
    expect(history.at(-1)!.outcome).toBe('failed');
    const moves = await creditMovesOf(platform, job.id);
    expect(moves.map((m) => m.kind)).toEqual(['reserve', 'refund']);
    const deadLetters = createDeadLetterQueue(platform.redis, platform.env.QUEUE_PREFIX!);
    const dead = await deadLetters.getJob(job.id);
    await deadLetters.close();
    expect(dead?.data).toMatchObject({ jobId: job.id, error: { code: 'job_stalled' }, attempts: 3 });
    survivor.kill('SIGKILL');
  }, 120_000);

  it('a worker frozen past its lock: the job runs at most twice, finishes once, is charged once', async () => {
    const workers = [await platform.startWorker(workerEnv), await platform.startWorker(workerEnv)];
    const job = await submit(platform.baseUrl, user, 'video', slowVideo);
    const holder = await waitFor('a worker to take the job', async () => {
      const row = await jobRow(platform, job.id);
      return row.status === 'running' ? workers.find((worker) => heldBy(row, worker)) : undefined;
    });
    const other = workers.find((worker) => worker !== holder)!;
    holder.kill('SIGSTOP');
    try {
      // Lock 2 s + stalled check every 1 s: the other worker takes over.
      await waitUntilRunningOn(job.id, other);
    } finally {
      holder.kill('SIGCONT');
    }
    await waitForStatus(platform, job.id, ['succeeded', 'failed'], 60_000);
    await sleep(1_000); // the woken worker's last writes, if any, land
    const history = await historyOf(platform, job.id);
    expect(history.length).toBeLessThanOrEqual(2);
    expect((await jobRow(platform, job.id)).status).toBe('succeeded');
    const assets = await platform.pool.query('SELECT count(*)::int AS n FROM workspace_assets WHERE job_id = $1', [job.id]);
    expect(assets.rows[0].n).toBe(1);
    expect((await creditMovesOf(platform, job.id)).map((m) => m.kind)).toEqual(['reserve', 'charge']);
    expect(holder.exitCode).toBeNull();
    for (const worker of workers) worker.kill('SIGKILL');
  }, 120_000);
});
