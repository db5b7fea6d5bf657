import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finishJobUnsuccessfully } from '@atelier/db';
import { createWebhookDeliveryQueue, deliveryJobId, rotateAccountSecret } from '@atelier/webhooks';
import type { WebhookEventView } from '@atelier/contracts';
import { TestPlatform, type TestUser } from '../support/platform.ts';
import { getJson, postJson } from '../support/api.ts';
import { quickImage, submit, waitFor, waitForStatus } from '../reliability/support/jobs.ts';
import { verified, WebhookReceiver } from './support/webhookReceiver.ts';
import { instantImagesCatalog } from '../support/catalogFiles.ts';

/**
 * Deliveries on the real stack: the API in this process, a worker process running the
 * delivery processor, a receiver on loopback (so private addresses and plain http are
 * allowed here; webhookGuard.test.ts covers the guard), retries a few hundred ms apart.
 */
const webhookEnv = { WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_ALLOW_HTTP: 'true', ATELIER_MODELS: instantImagesCatalog() };
const workerEnv = {
  WEBHOOK_TIMEOUT_MS: '500',
  WEBHOOK_RETRY_FIRST_DELAY_MS: '100',
  WEBHOOK_RETRY_MAX_DELAY_MS: '400',
  RECONCILE_INTERVAL_MS: '500',
  RECONCILE_MIN_AGE_MS: '1000',
};

let platform: TestPlatform;
let receiver: WebhookReceiver;
let user: TestUser;
let secret: string;

beforeAll(async () => {
  [platform, receiver] = await Promise.all([TestPlatform.start(webhookEnv), WebhookReceiver.start()]);
  await platform.startWorker(workerEnv);
  user = await platform.createUser({ credits: 1_000 });
  secret = (await getJson<{ secret: string }>(platform, user, '/api/webhooks/secret')).body.secret;
});
afterAll(async () => {
  await receiver?.close();
  await platform?.stop();
});

const eventsOf = async (jobId: string, as: TestUser = user) =>
  (await getJson<{ items: WebhookEventView[] }>(platform, as, `/api/jobs/${jobId}/webhooks`)).body.items;
const settledEvents = (jobId: string, count: number) =>
  waitFor(`${count} settled webhook events of ${jobId}`, async () => {
    const events = await eventsOf(jobId);
    return events.length === count && events.every((event) => event.status !== 'pending') && events;
  });
const submitWithWebhook = (webhook: string, extra: Record<string, unknown> = {}) =>
  submit(platform.baseUrl, user, 'image', { ...quickImage, webhook, ...extra });

describe('webhook deliveries', () => {
  it('a finished job POSTs its view once, signed with the account secret, verified by the reference implementation; the attempt is listed', async () => {
    const job = await submitWithWebhook(receiver.url('completed'));
    const [event] = await settledEvents(job.id, 1);
    const [request] = receiver.at('completed');
    expect(receiver.at('completed')).toHaveLength(1);

    const payload = verified(secret, request!);
    expect(payload).toMatchObject({ type: 'job.completed', data: { id: job.id, status: 'succeeded', outputUrl: `/api/jobs/${job.id}/output` } });
    expect(request!.headers['webhook-id']).toBe(event!.webhookId);
    expect(request!.headers['content-type']).toBe('application/json');
    expect(event).toMatchObject({ event: 'completed', status: 'delivered', attempts: [{ statusCode: 200, error: null, response: 'answer 200' }] });
  });

  it('sends the events asked for, each under its own webhook-id', async () => {
    const job = await submitWithWebhook(receiver.url('all-events'), { webhookEvents: ['start', 'output', 'completed'] });
    await settledEvents(job.id, 3);
    const payloads = receiver.at('all-events').map((request) => verified(secret, request));
    expect(payloads.map((payload) => payload.type).sort()).toEqual(['job.completed', 'job.output', 'job.start']);
    expect(new Set(receiver.at('all-events').map((request) => request.headers['webhook-id'])).size).toBe(3);
  });

  it('retries 500, 429 and a timeout under the same webhook-id and body until the receiver takes it', async () => {
    const url = receiver.url('flaky', [{ status: 500 }, { status: 429 }, { status: 200, delayMs: 1_500 }, { status: 200 }]);
    const job = await submitWithWebhook(url);
    const [event] = await settledEvents(job.id, 1);
    const requests = receiver.at('flaky');
    expect(requests).toHaveLength(4);
    expect(new Set(requests.map((request) => request.headers['webhook-id']))).toEqual(new Set([event!.webhookId]));
    expect(new Set(requests.map((request) => request.body)).size).toBe(1);
    for (const request of requests) expect(verified(secret, request).data.id).toBe(job.id);
    expect(event!.status).toBe('delivered');
    expect(event!.attempts.map((attempt) => attempt.statusCode ?? attempt.error)).toEqual([500, 429, 'timeout', 200]);
  });

  it('gives up at once on a 400: one request, the event failed, nothing left in the queue', async () => {
    const job = await submitWithWebhook(receiver.url('refusing', [{ status: 400 }]));
    const [event] = await settledEvents(job.id, 1);
    expect(event).toMatchObject({ status: 'failed', attempts: [{ statusCode: 400 }] });
    expect(receiver.at('refusing')).toHaveLength(1);
    const queue = createWebhookDeliveryQueue(platform.redis, platform.env.QUEUE_PREFIX!);
    expect(await queue.getJob(deliveryJobId({ jobId: job.id, reservationRound: 1, event: 'completed' }))).toBeUndefined();
    await queue.close();
  });

  it('a receiver that is down for a while gets every event once it is back', async () => {
    const down = await WebhookReceiver.start();
    const url = down.url('outage');
    await down.close();
    const jobs = await Promise.all([1, 2, 3].map(() => submitWithWebhook(url)));
    await waitFor('two refused attempts for every event', async () => {
      const events = (await Promise.all(jobs.map((job) => eventsOf(job.id)))).flat();
      return events.length === 3 && events.every((event) => event.attempts.length >= 2);
    });
    await down.listen();
    for (const job of jobs) await settledEvents(job.id, 1);
    const payloads = down.at('outage').map((request) => verified(secret, request));
    expect(payloads.map((payload) => payload.data.id).sort()).toEqual(jobs.map((job) => job.id).sort());
    for (const job of jobs) expect((await eventsOf(job.id))[0]!.attempts[0]!.error).toMatch(/^connection: ECONNREFUSED/);
    await down.close();
  });

  it('a canceled job delivers `completed` with its canceled view', async () => {
    await platform.queueOf().pause();
    const job = await submitWithWebhook(receiver.url('canceled'));
    const canceled = await fetch(`${platform.baseUrl}/api/jobs/${job.id}`, { method: 'DELETE', headers: user.headers });
    await platform.queueOf().resume();
    expect(canceled.status).toBe(200);
    await settledEvents(job.id, 1);
    expect(verified(secret, receiver.at('canceled')[0]!)).toMatchObject({ type: 'job.completed', data: { id: job.id, status: 'canceled' } });
  });

  it('an event whose enqueue never happened (the process died after the transition) is sent by the reconciler', async () => {
    await platform.queueOf().pause();
    const job = await submitWithWebhook(receiver.url('orphan'));
    // The transition alone, as a process that died before its notify call would leave it.
    await finishJobUnsuccessfully(platform.pool, job.id, { status: 'failed', code: 'internal', message: 'lost', workerId: null });
    await platform.queueOf().resume();
    await settledEvents(job.id, 1);
    expect(receiver.at('orphan')).toHaveLength(1);
    expect(verified(secret, receiver.at('orphan')[0]!)).toMatchObject({ type: 'job.completed', data: { status: 'failed', error: { code: 'internal' } } });
  });

  it('lists a job’s deliveries to its owner only: another user gets 404', async () => {
    const job = await submitWithWebhook(receiver.url('owned'));
    await waitForStatus(platform, job.id, ['succeeded']);
    const other = await platform.createUser();
    const answer = await getJson(platform, other, `/api/jobs/${job.id}/webhooks`);
    expect(answer).toMatchObject({ status: 404, body: { error: { code: 'job_not_found' } } });
    expect((await getJson(platform, user, `/api/jobs/${job.id}/webhooks`)).status).toBe(200);
  });
});

describe('secret rotation', () => {
  it('the rotate route gives a new secret and keeps the old one signing for 24 hours', async () => {
    const owner = await platform.createUser();
    const before = (await getJson<{ secret: string }>(platform, owner, '/api/webhooks/secret')).body.secret;
    const rotated = await postJson<{ secret: string; previousSecretExpiresAt: string }>(platform, owner, '/api/webhooks/secret/rotate', {});
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(before);
    const keptFor = Date.parse(rotated.body.previousSecretExpiresAt) - Date.now();
    expect(keptFor).toBeGreaterThan(23.9 * 3600_000);
    expect(keptFor).toBeLessThanOrEqual(24 * 3600_000);
    expect((await getJson(platform, owner, '/api/webhooks/secret')).body).toEqual({ secret: rotated.body.secret });
  });

  it('within 24 hours of a rotation both secrets sign, and each verifies; past them only the new one does', async () => {
    const old = secret;
    // Rotated "23 h 59 min ago": the clock is injected, nothing waits a day.
    const { secret: middle } = await rotateAccountSecret(platform.pool, user.user.id, new Date(Date.now() - (24 * 60 - 1) * 60_000));
    const first = await submitWithWebhook(receiver.url('rotated-recently'));
    await settledEvents(first.id, 1);
    const [recent] = receiver.at('rotated-recently');
    expect(String(recent!.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verified(old, recent!).data.id).toBe(first.id);
    expect(verified(middle, recent!).data.id).toBe(first.id);

    // Rotated again "24 h 1 min ago": `middle` stopped signing a minute ago.
    const { secret: newest } = await rotateAccountSecret(platform.pool, user.user.id, new Date(Date.now() - (24 * 60 + 1) * 60_000));
    secret = newest;
    const second = await submitWithWebhook(receiver.url('rotated-long-ago'));
    await settledEvents(second.id, 1);
    const [late] = receiver.at('rotated-long-ago');
    expect(String(late!.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(verified(newest, late!).data.id).toBe(second.id);
    expect(() => verified(middle, late!)).toThrow();
  });
});
