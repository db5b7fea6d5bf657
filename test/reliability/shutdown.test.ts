import type { ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeadLetterQueue, readJobEvents } from '@atelier/queue';
import { TestPlatform, type TestUser } from '../support/platform.ts';
import { followStream } from '../support/sseFailoverClient.ts';
import { readStream } from '../support/sseClient.ts';
import { creditMovesOf, expectExactLedger, historyOf, jobRow, sleep, slowVideo, submit, waitFor, waitForStatus } from './support/jobs.ts';

let platform: TestPlatform;
let user: TestUser;

beforeAll(async () => {
  platform = await TestPlatform.start();
  user = await platform.createUser({ plan: 'pro', credits: 2_000 });
});
afterAll(async () => {
  await expectExactLedger(platform, [user.user.id]);
  await platform?.stop();
});

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });

describe('clean shutdown', () => {
  it('SIGTERM an API with 100 open streams: every client resumes on a second API, no gap, no duplicate', async () => {
    const env = { SSE_MAX_STREAMS_PER_USER: '200', SSE_RETRY_MS: '200' };
    const [first, second] = await Promise.all([platform.startApiProcess(env), platform.startApiProcess(env)]);
    const worker = await platform.startWorker({ WORKER_CONCURRENCY: '2' });
    const video = { ...slowVideo, params: { ...slowVideo.params, seconds: 3 } };
    const jobs = await Promise.all(Array.from({ length: 4 }, () => submit(first.baseUrl, user, 'video', video)));
    let opened = 0;
    const streams = jobs.flatMap((job) =>
      Array.from({ length: 25 }, () => {
        let counted = false;
        return followStream([first.baseUrl, second.baseUrl], job.streamUrl, user.headers, {
          timeoutMs: 90_000,
          onEvent: () => !counted && (counted = true) && opened++,
        }).then((result) => ({ job, result }));
      }),
    );
    await waitFor('100 streams open', async () => opened === 100, 30_000, 50);

    first.process.kill('SIGTERM');
    const startedAt = Date.now();
    expect(await exited(first.process)).toBe(0);
    expect(Date.now() - startedAt).toBeLessThan(10_000);

    const results = await Promise.all(streams);
    let resumed = 0;
    for (const { job, result } of results) {
      const ids = result.events.filter((e) => e.id).map((e) => e.id);
      expect(new Set(ids).size).toBe(ids.length);
      const everything = (await readJobEvents(platform.redis, job.id, null)).map((entry) => entry.id);
      expect(ids).toEqual(everything);
      expect(result.events.at(-1)!.data.status).toBe('succeeded');
      if (result.reconnects > 0) {
        resumed++;
        expect(result.events.at(-1)!.via).toBe(second.baseUrl);
      }
    }
    // Streams of a job still running at SIGTERM all moved over.
    expect(resumed).toBeGreaterThanOrEqual(50);
    worker.kill('SIGKILL');
    second.process.kill('SIGKILL');
  }, 120_000);

  it('SIGTERM a worker mid-job: it hands the job back within its grace period and exits; another worker finishes it, charged once', async () => {
    const stopping = await platform.startWorker({ WORKER_CONCURRENCY: '1', SHUTDOWN_GRACE_MS: '1000' });
    const job = await submit(platform.baseUrl, user, 'video', slowVideo);
    await waitFor('the job to run', async () => (await waitForStatus(platform, job.id, ['running', 'succeeded'])).status === 'running', 30_000, 20);
    const startedAt = Date.now();
    stopping.kill('SIGTERM');
    expect(await exited(stopping)).toBe(0);
    expect(Date.now() - startedAt).toBeLessThan(8_000);
    // Handed back, not failed: it waits for the next worker with its attempts intact.
    const waiting = await jobRow(platform, job.id);
    expect(waiting.status).toBe('queued');
    expect(await platform.queueOf(platform.defaultModel('video')).getJobState(job.id)).toMatch(/^(waiting|prioritized)$/);
    expect((await platform.queueOf(platform.defaultModel('video')).getJob(job.id))!.attemptsMade).toBe(0);

    const taker = await platform.startWorker({ WORKER_CONCURRENCY: '1' });
    expect((await waitForStatus(platform, job.id, ['succeeded', 'failed'], 60_000)).status).toBe('succeeded');
    const history = await historyOf(platform, job.id);
    expect(history.map((h) => h.outcome)).toEqual(['returned', 'succeeded']);
    expect((await creditMovesOf(platform, job.id)).map((m) => m.kind)).toEqual(['reserve', 'charge']);
    taker.kill('SIGKILL');
  }, 90_000);

  it('SIGTERM to the whole process group of the worker (systemd, Ctrl-C) mid-video: ffmpeg is not hit, the job is handed back, not failed', async () => {
    const stopping = await platform.startWorker({ WORKER_CONCURRENCY: '1', SHUTDOWN_GRACE_MS: '1000' }, { detached: true });
    const job = await submit(platform.baseUrl, user, 'video', slowVideo);
    await readStream(platform.baseUrl + job.streamUrl, user.headers, {
      until: (event) => event.type === 'progress' && (event.data.percent as number) >= 10,
      timeoutMs: 40_000,
    });
    process.kill(-stopping.pid!, 'SIGTERM');
    expect(await exited(stopping)).toBe(0);
    expect((await jobRow(platform, job.id)).status).toBe('queued');

    const taker = await platform.startWorker({ WORKER_CONCURRENCY: '1' });
    expect((await waitForStatus(platform, job.id, ['succeeded', 'failed'], 60_000)).status).toBe('succeeded');
    expect((await historyOf(platform, job.id)).map((h) => h.outcome)).toEqual(['returned', 'succeeded']);
    expect((await creditMovesOf(platform, job.id)).map((m) => m.kind)).toEqual(['reserve', 'charge']);
    const deadLetters = createDeadLetterQueue(platform.redis, platform.env.QUEUE_PREFIX!);
    expect(await deadLetters.getJob(job.id)).toBeUndefined();
    await deadLetters.close();
    taker.kill('SIGKILL');
  }, 90_000);

  it('SIGTERM to every process of the worker (systemd kills the whole cgroup): ffmpeg exits 255 and the job is handed back, not failed', async () => {
    const stopping = await platform.startWorker({ WORKER_CONCURRENCY: '1', SHUTDOWN_GRACE_MS: '5000' });
    const job = await submit(platform.baseUrl, user, 'video', slowVideo);
    await readStream(platform.baseUrl + job.streamUrl, user.headers, {
      until: (event) => event.type === 'progress' && (event.data.percent as number) >= 10,
      timeoutMs: 40_000,
    });
    const ffmpeg = await waitFor('the worker to run ffmpeg', async () => (await childrenOf(stopping.pid!)).find((child) => child.command === 'ffmpeg'));
    stopping.kill('SIGTERM');
    await sleep(50);
    process.kill(ffmpeg.pid, 'SIGTERM');
    expect(await exited(stopping)).toBe(0);
    expect((await jobRow(platform, job.id)).status).toBe('queued');

    const taker = await platform.startWorker({ WORKER_CONCURRENCY: '1' });
    expect((await waitForStatus(platform, job.id, ['succeeded', 'failed'], 60_000)).status).toBe('succeeded');
    expect((await historyOf(platform, job.id)).map((h) => h.outcome)).toEqual(['returned', 'succeeded']);
    expect((await creditMovesOf(platform, job.id)).map((m) => m.kind)).toEqual(['reserve', 'charge']);
    taker.kill('SIGKILL');
  }, 90_000);
});

/** A process's children, from /proc (Linux). */
async function childrenOf(pid: number): Promise<{ pid: number; command: string }[]> {
  const list = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8');
  const pids = list.split(' ').filter(Boolean).map(Number);
  return Promise.all(pids.map(async (child) => ({ pid: child, command: (await readFile(`/proc/${child}/comm`, 'utf8')).trim() })));
}
