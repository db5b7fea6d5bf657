import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestPlatform, type TestUser } from '../support/platform.ts';
import { readStream } from '../support/sseClient.ts';
import { creditMovesOf, expectExactLedger, quickImage, slowVideo, submit, waitFor, waitForStatus } from './support/jobs.ts';

let platform: TestPlatform;
let user: TestUser;

beforeAll(async () => {
  platform = await TestPlatform.start();
  await platform.startWorker({ WORKER_CONCURRENCY: '1' });
  user = await platform.createUser({ plan: 'pro', credits: 1_000 });
});
afterAll(async () => {
  await expectExactLedger(platform, [user.user.id]);
  await platform?.stop();
});

const cancel = (id: string) => fetch(`${platform.baseUrl}/api/jobs/${id}`, { method: 'DELETE', headers: user.headers });

describe('cancel', () => {
  it('a queued and a running job cancel: the engine stops within 2 s, refunded once, streams end with canceled', async () => {
    const running = await submit(platform.baseUrl, user, 'video', slowVideo);
    const queued = await submit(platform.baseUrl, user, 'video', slowVideo);
    const runningStream = readStream(platform.baseUrl + running.streamUrl, user.headers, { timeoutMs: 60_000 });
    await readStream(platform.baseUrl + running.streamUrl, user.headers, {
      until: (event) => event.type === 'progress' && (event.data.percent as number) >= 10,
      timeoutMs: 40_000,
    });

    expect((await cancel(queued.id)).status).toBe(200);
    expect(await platform.queueOf(platform.defaultModel('video')).getJob(queued.id)).toBeUndefined();
    const queuedEvents = await readStream(platform.baseUrl + queued.streamUrl, user.headers);
    expect(queuedEvents.at(-1)!.data.status).toBe('canceled');

    const canceledAt = Date.now();
    expect((await cancel(running.id)).status).toBe(200);
    await waitFor('the engine to stop', async () => (await platform.queueOf(platform.defaultModel('video')).getJobState(running.id)) !== 'active', 2_000, 20);
    expect(Date.now() - canceledAt).toBeLessThan(2_000);
    expect((await runningStream).at(-1)!.data.status).toBe('canceled');
    expect((await cancel(running.id)).status).toBe(409);

    for (const job of [running, queued]) {
      expect((await waitForStatus(platform, job.id, ['canceled'])).status).toBe('canceled');
      expect((await creditMovesOf(platform, job.id)).map((m) => m.kind)).toEqual(['reserve', 'refund']);
    }
    // What the canceled attempt stored (its first frame) is removed.
    const jobDir = join(platform.env.STORAGE_LOCAL_DIR!, 'users', user.user.id, 'jobs', running.id);
    await waitFor(
      "the canceled job's objects to be removed",
      () =>
        access(jobDir).then(
          () => false,
          () => true,
        ),
      5_000,
    );
    // The worker's slot is free again.
    const next = await submit(platform.baseUrl, user, 'image', quickImage);
    expect((await waitForStatus(platform, next.id, ['succeeded', 'failed'])).status).toBe('succeeded');
  }, 90_000);
});
