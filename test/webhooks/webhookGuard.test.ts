import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookEventView } from '@atelier/contracts';
import { TestPlatform, type TestUser } from '../support/platform.ts';
import { postJson } from '../support/api.ts';
import { quickImage, submit, waitFor } from '../reliability/support/jobs.ts';
import { WebhookReceiver } from './support/webhookReceiver.ts';
import { instantImagesCatalog } from '../support/catalogFiles.ts';

/**
 * The operator's default: https only, no private addresses. The API in this process and the
 * worker keep it; a second API process allows loopback (as `atelier up` does), so that a job
 * whose URL passed at submit meets the worker's own check at delivery.
 */
const guardedEnv = { ATELIER_MODELS: instantImagesCatalog() };

let platform: TestPlatform;
let receiver: WebhookReceiver;
let user: TestUser;

beforeAll(async () => {
  [platform, receiver] = await Promise.all([TestPlatform.start(guardedEnv), WebhookReceiver.start()]);
  user = await platform.createUser({ credits: 100 });
});
afterAll(async () => {
  await receiver?.close();
  await platform?.stop();
});

const badBodies: [string, Record<string, unknown>, string][] = [
  ['plain http', { webhook: 'http://example.com/hook' }, 'webhook_url_invalid'],
  ['malformed', { webhook: 'not a url' }, 'webhook_url_invalid'],
  ['not a string', { webhook: 42 }, 'validation_failed'],
  ['over 2,000 characters', { webhook: `https://example.com/${'a'.repeat(2_000)}` }, 'validation_failed'],
  ['loopback', { webhook: 'https://127.0.0.1/hook' }, 'webhook_url_refused'],
  ['a name for loopback', { webhook: 'https://localhost:8443/hook' }, 'webhook_url_refused'],
  ['private', { webhook: 'https://10.0.0.5/hook' }, 'webhook_url_refused'],
  ['cloud metadata', { webhook: 'https://169.254.169.254/latest/meta-data' }, 'webhook_url_refused'],
  ['IPv4-mapped IPv6 loopback', { webhook: 'https://[::ffff:127.0.0.1]/hook' }, 'webhook_url_refused'],
  ['an unknown event name', { webhook: 'https://example.com/hook', webhookEvents: ['finished'] }, 'validation_failed'],
  ['no events', { webhook: 'https://example.com/hook', webhookEvents: [] }, 'validation_failed'],
  ['events with no webhook', { webhookEvents: ['completed'] }, 'validation_failed'],
];

describe('a submit with a webhook the server will not call', () => {
  it.each(badBodies)('%s: 400 with a stable code, no job, no credit taken', async (_name, fields, code) => {
    const answer = await postJson<{ error: { code: string; message: string } }>(platform, user, '/api/generate/image', { ...quickImage, ...fields });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe(code);
    expect(answer.body.error.message).not.toBe('');
    const { rows } = await platform.pool.query(
      'SELECT count(*)::int AS jobs, (SELECT credits FROM users WHERE id = $1) AS credits FROM generation_jobs WHERE user_id = $1',
      [user.user.id],
    );
    expect(rows[0]).toEqual({ jobs: 0, credits: 100 });
  });
});

describe('at delivery, the address actually connected to', () => {
  it('is refused when it is loopback, by name (the lookup on the connection) or by address: nothing reaches the receiver', async () => {
    const [, lenient] = await Promise.all([
      platform.startWorker({ WEBHOOK_ALLOW_HTTP: 'true' }),
      platform.startApiProcess({ WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_ALLOW_HTTP: 'true' }),
    ]);
    const byName = receiver.url('by-name').replace('127.0.0.1', 'localhost');
    const jobs = await Promise.all([byName, receiver.url('by-address')].map((webhook) => submit(lenient.baseUrl, user, 'image', { ...quickImage, webhook })));
    for (const job of jobs) {
      const [event] = await waitFor(`the webhook of ${job.id} given up`, async () => {
        const { rows } = await platform.pool.query<WebhookEventView>(
          `SELECT e.status, json_agg(a.error) AS attempts FROM webhook_events e JOIN webhook_attempts a ON a.event_id = e.id
           WHERE e.job_id = $1 GROUP BY e.status`,
          [job.id],
        );
        return rows[0]?.status === 'failed' && rows;
      });
      expect(event!.attempts).toHaveLength(1);
      expect(String(event!.attempts[0])).toMatch(/^refused: /);
    }
    expect(receiver.received).toHaveLength(0);
  });
});
