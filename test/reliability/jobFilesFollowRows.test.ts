import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestPlatform, type TestUser } from '../support/platform.ts';
import { readStream } from '../support/sseClient.ts';
import { expectExactLedger, killWorkerMidRun, slowVideo, submit, waitFor, waitForStatus } from './support/jobs.ts';

/**
 * After every path that ends a job or deletes its result, the keys its rows name (the job's
 * first frame and output, the asset's file and poster) are exactly the objects its folder
 * holds: a row never names a removed file (a broken picture after a reload), and no file is
 * left that no row names.
 */
let platform: TestPlatform;
let user: TestUser;
let admin: TestUser;

beforeAll(async () => {
  platform = await TestPlatform.start({ ADMIN_EMAILS: 'ops@example.com' });
  user = await platform.createUser({ plan: 'pro', credits: 2_000 });
  admin = await platform.createUser({ email: 'ops@example.com', credits: 0 });
});
afterAll(async () => {
  await expectExactLedger(platform, [user.user.id]);
  await platform?.stop();
});

async function filesOf(jobId: string): Promise<string[]> {
  const dir = join(platform.env.STORAGE_LOCAL_DIR!, 'users', user.user.id, 'jobs', jobId);
  const entries = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  return entries.filter((name) => !name.endsWith('.meta.json') && !name.startsWith('.')).sort();
}

async function keysOf(jobId: string): Promise<string[]> {
  const { rows } = await platform.pool.query<{ key: string | null }>(
    `SELECT preview_key AS key FROM generation_jobs WHERE id = $1 UNION ALL SELECT output_key FROM generation_jobs WHERE id = $1
     UNION ALL SELECT storage_key FROM workspace_assets WHERE job_id = $1 UNION ALL SELECT poster_key FROM workspace_assets WHERE job_id = $1`,
    [jobId],
  );
  const keys = rows.flatMap((row) => (row.key ? [row.key.split('/').at(-1)!] : []));
  return [...new Set(keys)].sort();
}

async function expectRowsMatchFiles(jobId: string): Promise<string[]> {
  const keys = await keysOf(jobId);
  await waitFor(`the objects of ${jobId} to be what its rows name (${keys.join(', ')})`, async () => (await filesOf(jobId)).join() === keys.join(), 5_000);
  return keys;
}

const untilFirstFrame = (streamUrl: string) =>
  readStream(platform.baseUrl + streamUrl, user.headers, {
    until: (event) => event.type === 'preview' && Boolean(event.data.firstFrameUrl),
    timeoutMs: 40_000,
  });

const getJob = async (id: string) => (await (await fetch(`${platform.baseUrl}/api/jobs/${id}`, { headers: user.headers })).json()).job;

describe('rows and files agree', () => {
  let worker: ChildProcess;

  it('a canceled video forgets its first frame: no preview URL, no object', async () => {
    worker = await platform.startWorker({ WORKER_CONCURRENCY: '1' });
    const job = await submit(platform.baseUrl, user, 'video', slowVideo);
    await untilFirstFrame(job.streamUrl);
    expect((await getJob(job.id)).previewUrl).toBe(`/api/jobs/${job.id}/preview`);

    expect((await fetch(`${platform.baseUrl}/api/jobs/${job.id}`, { method: 'DELETE', headers: user.headers })).status).toBe(200);
    await waitForStatus(platform, job.id, ['canceled']);
    expect(await expectRowsMatchFiles(job.id)).toEqual([]);
    expect((await getJob(job.id)).previewUrl).toBeNull();
    expect((await fetch(`${platform.baseUrl}/api/jobs/${job.id}/preview`, { headers: user.headers, redirect: 'manual' })).status).toBe(404);
  }, 60_000);

  it('a result deleted from the gallery leaves its job with no output and no preview, and no object', async () => {
    const job = await submit(platform.baseUrl, user, 'video', { ...slowVideo, params: { ...slowVideo.params, seconds: 1 } });
    await readStream(platform.baseUrl + job.streamUrl, user.headers, { timeoutMs: 40_000 });
    const done = await getJob(job.id);
    expect(done).toMatchObject({ status: 'succeeded', outputUrl: `/api/jobs/${job.id}/output` });
    expect((await expectRowsMatchFiles(job.id)).length).toBeGreaterThanOrEqual(2);

    const { rows } = await platform.pool.query<{ id: string }>('SELECT id FROM workspace_assets WHERE job_id = $1', [job.id]);
    expect((await fetch(`${platform.baseUrl}/api/assets/${rows[0]!.id}`, { method: 'DELETE', headers: user.headers })).status).toBe(204);
    expect(await expectRowsMatchFiles(job.id)).toEqual([]);
    expect(await getJob(job.id)).toMatchObject({ status: 'succeeded', outputUrl: null, previewUrl: null });
    const download = await fetch(`${platform.baseUrl}/api/jobs/${job.id}/output`, { headers: user.headers, redirect: 'manual' });
    expect(download.status).toBe(404);
    worker.kill('SIGKILL');
  }, 60_000);

  it('a job taken over after its worker died keeps only the files of the attempt that finished it', async () => {
    const { job, second } = await killWorkerMidRun(platform, user, slowVideo, {
      WORKER_CONCURRENCY: '1',
      WORKER_LOCK_DURATION_MS: '2000',
      WORKER_STALLED_INTERVAL_MS: '1000',
    });
    await waitForStatus(platform, job.id, ['succeeded'], 60_000);
    const keys = await expectRowsMatchFiles(job.id);
    expect(keys.every((key) => key.startsWith('a2-'))).toBe(true);
    expect(keys.some((key) => key.includes('first-frame'))).toBe(true);
    second.kill('SIGKILL');
  }, 90_000);

  it('a dead-lettered video forgets its files, and its retry from the dead-letter queue keeps only the new attempt', async () => {
    const timingOut = await platform.startWorker({ WORKER_CONCURRENCY: '1', JOB_TIMEOUT_VIDEO_MS: '2500' });
    const job = await submit(platform.baseUrl, user, 'video', slowVideo);
    await untilFirstFrame(job.streamUrl);
    await waitForStatus(platform, job.id, ['failed']);
    expect(await expectRowsMatchFiles(job.id)).toEqual([]);
    expect(await getJob(job.id)).toMatchObject({ status: 'failed', previewUrl: null, outputUrl: null });
    timingOut.kill('SIGKILL');

    const healthy = await platform.startWorker({ WORKER_CONCURRENCY: '1' });
    const retried = await fetch(`${platform.baseUrl}/api/admin/dlq/${job.id}/retry`, { method: 'POST', headers: admin.headers });
    expect(retried.status).toBe(200);
    await waitForStatus(platform, job.id, ['succeeded'], 60_000);
    const keys = await expectRowsMatchFiles(job.id);
    expect(keys.every((key) => key.startsWith('a2-'))).toBe(true);
    healthy.kill('SIGKILL');
  }, 90_000);
});
