import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobEventsKey } from '@atelier/queue';
import { TestPlatform, type TestUser } from '../support/platform.ts';
import { readStream } from '../support/sseClient.ts';
import { quickImage, sleep, submit, waitFor } from './support/jobs.ts';

// The API leaves a job's pub/sub channel 100 ms after its last stream closes, in one
// UNSUBSCRIBE with the others left meanwhile (packages/queue/src/jobEventHub.ts).

let platform: TestPlatform;
let user: TestUser;

beforeAll(async () => {
  platform = await TestPlatform.start();
  user = await platform.createUser({ plan: 'pro', credits: 1_000 });
});
afterAll(async () => platform?.stop());

const subscribersOf = async (jobId: string) => {
  const [, count] = (await platform.redis.call('PUBSUB', 'NUMSUB', jobEventsKey(jobId))) as [string, number];
  return count;
};

describe("the API's job channels", () => {
  it('a stream opened again right after one closed keeps its channel, and gets the events that come later', async () => {
    // No worker yet: the job waits, and every event after the snapshot comes over pub/sub.
    const job = await submit(platform.baseUrl, user, 'image', quickImage);
    await readStream(platform.baseUrl + job.streamUrl, user.headers, { until: (event) => event.type === 'snapshot' });
    const reopened = readStream(platform.baseUrl + job.streamUrl, user.headers, { timeoutMs: 60_000 });

    // Past the moment the first stream's channel would have been left, had it not been taken back.
    await sleep(500);
    await platform.startWorker();

    const events = await reopened;
    expect(events[0]!.type).toBe('snapshot');
    expect(events.at(-1)!.data.status).toBe('succeeded');
    expect(events.map((event) => event.type)).toContain('output');
  }, 90_000);

  it("lets go of a job's channel once its streams have closed", async () => {
    const jobs = await Promise.all([1, 2, 3].map(() => submit(platform.baseUrl, user, 'image', quickImage)));
    await Promise.all(jobs.map((job) => readStream(platform.baseUrl + job.streamUrl, user.headers, { until: (event) => event.type === 'snapshot' })));

    for (const job of jobs) await waitFor(`the channel of ${job.id} to have no subscriber`, async () => (await subscribersOf(job.id)) === 0, 5_000, 50);
  }, 60_000);
});
