import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestPlatform, type TestUser } from '../support/platform.ts';
import { PrivateRedis } from '../support/redisServer.ts';
import { readJobEvents } from '@atelier/queue';
import { readStream } from '../support/sseClient.ts';
import { expectExactLedger, jobRow, quickImage, slowVideo, submit, waitFor, waitForStatus } from './support/jobs.ts';

/** Redis of this file's own: it is flushed and stopped, which the shared one must never be. */
let redis: PrivateRedis;
let platform: TestPlatform;
let user: TestUser;
const workerEnv = {
  WORKER_CONCURRENCY: '1',
  WORKER_LOCK_DURATION_MS: '2000',
  WORKER_STALLED_INTERVAL_MS: '1000',
  RECONCILE_INTERVAL_MS: '500',
  RECONCILE_MIN_AGE_MS: '1000',
};

beforeAll(async () => {
  redis = await PrivateRedis.start();
  platform = await TestPlatform.start({ REDIS_URL: redis.url });
  user = await platform.createUser({ plan: 'pro', credits: 2_000 });
});
afterAll(async () => {
  await expectExactLedger(platform, [user.user.id]);
  await platform?.stop();
  await redis?.close();
});

const jobCount = async () => (await platform.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM generation_jobs')).rows[0]!.n;
const balance = async () => (await platform.pool.query<{ credits: number }>('SELECT credits FROM users WHERE id = $1', [user.user.id])).rows[0]!.credits;

describe('Redis lost', () => {
  it('a worker warns at start-up when Redis may evict keys', async () => {
    await redis.command((client) => client.config('SET', 'maxmemory-policy', 'allkeys-lru'));
    try {
      const worker = await platform.startWorker(workerEnv);
      expect(platform.outputOf(worker)).toContain('BullMQ needs \\"noeviction\\"');
      worker.kill('SIGKILL');
    } finally {
      await redis.command((client) => client.config('SET', 'maxmemory-policy', 'noeviction'));
    }
  });

  it('FLUSHALL with jobs queued and running: the reconciler puts them back and every one finishes once', async () => {
    const workers = [await platform.startWorker(workerEnv), await platform.startWorker(workerEnv)];
    const jobs = [
      await submit(platform.baseUrl, user, 'video', slowVideo),
      await submit(platform.baseUrl, user, 'video', slowVideo),
      ...(await Promise.all(Array.from({ length: 4 }, () => submit(platform.baseUrl, user, 'image', quickImage)))),
    ];
    await waitFor(
      'two jobs running',
      async () => (await Promise.all(jobs.map((j) => jobRow(platform, j.id)))).filter((r) => r.status === 'running').length === 2,
    );
    await redis.command((client) => client.flushall());
    for (const job of jobs) expect((await waitForStatus(platform, job.id, ['succeeded', 'failed', 'canceled'], 90_000)).status).toBe('succeeded');
    const assets = await platform.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM workspace_assets WHERE job_id = ANY($1::uuid[])', [
      jobs.map((j) => j.id),
    ]);
    expect(assets.rows[0]!.n).toBe(jobs.length);
    for (const worker of workers) worker.kill('SIGKILL');
  }, 120_000);

  it("FLUSHDB with young jobs: every one is queued again within seconds (not the reconciler's minute), in its priority order; streams resume from the row", async () => {
    // The reconciler's timer (30 s, rows older than 60 s) cannot act within this test: only the data sentinel can.
    const worker = await platform.startWorker({ WORKER_CONCURRENCY: '1', WORKER_LOCK_DURATION_MS: '2000', WORKER_STALLED_INTERVAL_MS: '1000' });
    const free = await platform.createUser({ plan: 'free', credits: 500 });
    const video = await submit(platform.baseUrl, user, 'video', slowVideo);
    await waitForStatus(platform, video.id, ['running']);
    const images = [];
    for (const who of [free, user, free, user]) images.push({ who, job: await submit(platform.baseUrl, who, 'image', quickImage) });
    const cursor = await waitFor(
      'the video to report progress',
      async () => (await readJobEvents(platform.redis, video.id, null)).find((e) => e.event.type === 'progress')?.id,
    );

    await redis.command((client) => client.flushdb());
    const queued = [{ id: video.id, kind: 'video' as const }, ...images.map(({ job }) => ({ id: job.id, kind: 'image' as const }))];
    await waitFor(
      'every job known to its queue again',
      async () =>
        (await Promise.all(queued.map(({ id, kind }) => platform.queueOf(platform.defaultModel(kind)).getJobState(id)))).every((state) => state !== 'unknown'),
      10_000,
      100,
    );

    const resumed = await readStream(platform.baseUrl + video.streamUrl, user.headers, { lastEventId: cursor, timeoutMs: 60_000 });
    expect(resumed.slice(0, 2).map((event) => event.type)).toEqual(['reset', 'snapshot']);
    expect(resumed.at(-1)!.data.status).toBe('succeeded');
    for (const { job } of images) expect((await waitForStatus(platform, job.id, ['succeeded', 'failed'], 60_000)).status).toBe('succeeded');
    // One slot: jobs ran in queue order. Pro before Free, each in the order submitted.
    const { rows } = await platform.pool.query<{ id: string }>('SELECT id FROM generation_jobs WHERE id = ANY($1::uuid[]) ORDER BY started_at', [
      images.map(({ job }) => job.id),
    ]);
    const expected = [...images.filter(({ who }) => who === user), ...images.filter(({ who }) => who === free)].map(({ job }) => job.id);
    expect(rows.map((row) => row.id)).toEqual(expected);
    await expectExactLedger(platform, [free.user.id]);
    worker.kill('SIGKILL');
  }, 120_000);

  it('with Redis down a submit is 503 queue_unavailable and leaves nothing behind; once it is back, work resumes', async () => {
    const worker = await platform.startWorker(workerEnv);
    const [jobsBefore, creditsBefore] = [await jobCount(), await balance()];
    await redis.stop();
    try {
      const refused = await fetch(`${platform.baseUrl}/api/generate/image`, {
        method: 'POST',
        headers: { ...user.headers, 'content-type': 'application/json' },
        body: JSON.stringify(quickImage),
      });
      expect(refused.status).toBe(503);
      expect(await refused.json()).toMatchObject({ error: { code: 'queue_unavailable' } });
      expect((await fetch(`${platform.baseUrl}/readyz`)).status).toBe(503);
      expect(await jobCount()).toBe(jobsBefore);
      expect(await balance()).toBe(creditsBefore);
    } finally {
      await redis.start();
    }
    const job = await waitFor('a submit to be accepted again', () => submit(platform.baseUrl, user, 'image', quickImage).catch(() => undefined), 20_000, 250);
    expect((await waitForStatus(platform, job.id, ['succeeded', 'failed'], 30_000)).status).toBe('succeeded');
    worker.kill('SIGKILL');
  }, 90_000);
});
