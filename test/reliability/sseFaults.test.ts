import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobEventsKey, readJobEvents } from '@atelier/queue';
import { TestPlatform, type TestUser } from '../support/platform.ts';
import { TcpProxy } from '../support/tcpProxy.ts';
import { readStream } from '../support/sseClient.ts';
import { followStream } from '../support/sseFailoverClient.ts';
import { quickImage, sleep, slowVideo, submit, waitForStatus } from './support/jobs.ts';

let platform: TestPlatform;
let user: TestUser;

beforeAll(async () => {
  platform = await TestPlatform.start();
  await platform.startWorker();
  user = await platform.createUser({ plan: 'pro', credits: 1_000 });
});
afterAll(async () => platform?.stop());

describe('job streams under faults', () => {
  it('a Redis hiccup on the API delays events but loses none and repeats none', async () => {
    const target = new URL(platform.env.REDIS_URL!);
    const proxy = await TcpProxy.start(target.hostname, Number(target.port || 6379));
    const api = await platform.startApiProcess({ REDIS_URL: proxy.urlFor(platform.env.REDIS_URL!), SSE_RETRY_MS: '200' });
    try {
      const job = await submit(platform.baseUrl, user, 'video', slowVideo);
      let cut = false;
      const followed = await followStream([api.baseUrl], job.streamUrl, user.headers, {
        timeoutMs: 60_000,
        onEvent: (event) => {
          if (cut || event.type !== 'progress' || (event.data.percent as number) < 20) return;
          cut = true;
          proxy.cut();
          void sleep(1_500).then(() => proxy.restore());
        },
      });
      expect(cut).toBe(true);
      const ids = followed.events.filter((e) => e.id).map((e) => e.id);
      expect(ids).toEqual((await readJobEvents(platform.redis, job.id, null)).map((entry) => entry.id));
      expect(followed.events.at(-1)!.data.status).toBe('succeeded');
    } finally {
      api.process.kill('SIGKILL');
      await proxy.close();
    }
  }, 90_000);

  it('a Last-Event-ID older than the history kept gets `reset` and a fresh snapshot, then what is left', async () => {
    const job = await submit(platform.baseUrl, user, 'image', quickImage);
    await waitForStatus(platform, job.id, ['succeeded']);
    const all = await readJobEvents(platform.redis, job.id, null);
    expect(all.length).toBeGreaterThan(3);
    await platform.redis.xtrim(jobEventsKey(job.id), 'MAXLEN', 2);
    const trimmed = await readStream(platform.baseUrl + job.streamUrl, user.headers, { lastEventId: all[0]!.id });
    expect(trimmed.map((e) => e.type).slice(0, 2)).toEqual(['reset', 'snapshot']);
    expect(trimmed.filter((e) => e.id).map((e) => e.id)).toEqual(all.slice(-2).map((e) => e.id));

    await platform.redis.del(jobEventsKey(job.id));
    const expired = await readStream(platform.baseUrl + job.streamUrl, user.headers, {
      lastEventId: all[1]!.id,
      until: (event) => event.type === 'snapshot',
    });
    expect(expired.map((e) => e.type)).toEqual(['reset', 'snapshot']);
    expect((expired[1]!.data.job as { status: string }).status).toBe('succeeded');
  });
});
