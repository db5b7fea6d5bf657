import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookEventView } from '@atelier/contracts';
import { TestPlatform, type TestUser } from '../support/platform.ts';
import { getJson } from '../support/api.ts';
import { verified, WebhookReceiver } from '../webhooks/support/webhookReceiver.ts';
import { killWorkerMidRun, slowVideo, waitFor, waitForStatus } from './support/jobs.ts';

/** Short locks so a dead worker's job is taken over within about 3 s, as in crashedWorker.test.ts. */
const workerEnv = { WORKER_CONCURRENCY: '1', WORKER_LOCK_DURATION_MS: '2000', WORKER_STALLED_INTERVAL_MS: '1000', VIDEO_ENGINE: 'local' };

let platform: TestPlatform;
let receiver: WebhookReceiver;
let user: TestUser;

beforeAll(async () => {
  [platform, receiver] = await Promise.all([TestPlatform.start({ WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_ALLOW_HTTP: 'true' }), WebhookReceiver.start()]);
  user = await platform.createUser({ plan: 'pro', credits: 1_000 });
});
afterAll(async () => {
  await receiver?.close();
  await platform?.stop();
});

describe('a webhook of a job whose worker was killed', () => {
  it('SIGKILL mid-run, another worker finishes: one `start` for the round and exactly one `completed`, from the worker that finished', async () => {
    const secret = (await getJson<{ secret: string }>(platform, user, '/api/webhooks/secret')).body.secret;
    const body = { ...slowVideo, webhook: receiver.url('crash'), webhookEvents: ['start', 'completed'] };
    const { job, second } = await killWorkerMidRun(platform, user, body, workerEnv);
    await waitForStatus(platform, job.id, ['succeeded', 'failed'], 60_000);

    const events = await waitFor('both events delivered', async () => {
      const { body } = await getJson<{ items: WebhookEventView[] }>(platform, user, `/api/jobs/${job.id}/webhooks`);
      return body.items.length === 2 && body.items.every((event) => event.status === 'delivered') && body.items;
    });
    expect(events.map((event) => [event.event, event.attempts.length])).toEqual([
      ['start', 1],
      ['completed', 1],
    ]);
    const payloads = receiver.at('crash').map((request) => verified(secret, request));
    expect(payloads.map((payload) => payload.type)).toEqual(['job.start', 'job.completed']);
    expect(payloads[1]!.data).toMatchObject({ id: job.id, status: 'succeeded', attempts: 2 });
    expect(String(payloads[1]!.data.workerId)).toContain(`:${second.pid}:`);
  }, 120_000);
});
