import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROMPT_MAX_LENGTH } from '@atelier/contracts';
import { ledgerBalance } from '@atelier/db';
import { TestPlatform, type TestUser } from '../support/platform.ts';
import { documentedFetch } from '../support/documentedAnswers.ts';

let platform: TestPlatform;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  platform = await TestPlatform.start();
  alice = await platform.createUser({ credits: 5 });
  bob = await platform.createUser({ credits: 50 });
});
afterAll(async () => platform?.stop());

async function post(path: string, body: string, headers: Record<string, string>) {
  const response = await documentedFetch(platform.baseUrl + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: response.status, body: (await response.json()) as { error: { code: string; message: string } } };
}

const json = (value: unknown) => JSON.stringify(value);

describe('bad input is refused with a clear error and leaves nothing behind', () => {
  const cases: [string, string, string, number, string][] = [
    ['missing prompt', '/api/generate/image', json({}), 400, 'validation_failed'],
    ['empty prompt', '/api/generate/image', json({ prompt: '   ' }), 400, 'validation_failed'],
    ['prompt over the limit', '/api/generate/image', json({ prompt: 'x'.repeat(PROMPT_MAX_LENGTH + 1) }), 400, 'validation_failed'],
    ['prompt of the wrong type', '/api/generate/image', json({ prompt: 42 }), 400, 'validation_failed'],
    ['params of the wrong type', '/api/generate/image', json({ prompt: 'a cat', params: { width: 'wide' } }), 400, 'validation_failed'],
    ['a size out of range', '/api/generate/image', json({ prompt: 'a cat', params: { width: 7, height: 7 } }), 400, 'validation_failed'],
    ['an unknown param', '/api/generate/image', json({ prompt: 'a cat', params: { colour: 'red' } }), 400, 'validation_failed'],
    ['an unknown field', '/api/generate/image', json({ prompt: 'a cat', extra: true }), 400, 'validation_failed'],
    ['an unknown kind', '/api/generate/hologram', json({ prompt: 'a cat' }), 404, 'unknown_kind'],
    ['malformed JSON', '/api/generate/image', '{"prompt": "a cat",', 400, 'invalid_json'],
    ['a body too large', '/api/generate/image', json({ prompt: 'a cat', params: { pad: 'x'.repeat(100_000) } }), 413, 'body_too_large'],
  ];

  it.each(cases)('%s', async (_name, path, body, status, code) => {
    const response = await post(path, body, alice.headers);
    expect(response.status).toBe(status);
    expect(response.body.error.code).toBe(code);
    expect(response.body.error.message.length).toBeGreaterThan(5);
  });

  it('no API key is 401, a bad one is 401', async () => {
    expect((await post('/api/generate/image', json({ prompt: 'a cat' }), {})).body.error.code).toBe('unauthenticated');
    const bad = await post('/api/generate/image', json({ prompt: 'a cat' }), { authorization: 'Bearer atl_not-a-real-key' });
    expect(bad.status).toBe(401);
    expect(bad.body.error.code).toBe('unauthenticated');
  });

  it('a cost above the balance is 402 insufficient_credits', async () => {
    // 1024×1024 costs 6 credits; alice has 5.
    const response = await post('/api/generate/image', json({ prompt: 'a cat', params: { width: 1024, height: 1024 } }), alice.headers);
    expect(response.status).toBe(402);
    expect(response.body.error.code).toBe('insufficient_credits');
  });

  it("another user's job, stream and output are 404", async () => {
    const created = await fetch(`${platform.baseUrl}/api/generate/image`, {
      method: 'POST',
      headers: { ...bob.headers, 'content-type': 'application/json' },
      body: json({ prompt: 'bob only' }),
    });
    expect(created.status).toBe(202);
    const { job } = (await created.json()) as { job: { id: string } };
    for (const path of [`/api/jobs/${job.id}`, `/api/generate/${job.id}/stream`, `/api/jobs/${job.id}/output`, '/api/jobs/not-a-uuid']) {
      const response = await documentedFetch(platform.baseUrl + path, { headers: alice.headers });
      expect(response.status, path).toBe(404);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('job_not_found');
    }
    await platform.pool.query('DELETE FROM credit_transactions WHERE job_id = $1', [job.id]);
    await platform.pool.query('DELETE FROM generation_jobs WHERE id = $1', [job.id]);
    await platform.queueOf().remove(job.id);
  });

  it('left no job row, no queue entry and no moved credit for alice', async () => {
    const rows = await platform.pool.query('SELECT count(*)::int AS n FROM generation_jobs WHERE user_id = $1', [alice.user.id]);
    expect(rows.rows[0].n).toBe(0);
    expect(await platform.queueJobIds()).toEqual([]);
    expect(await ledgerBalance(platform.pool, alice.user.id)).toEqual({ balance: 5, ledgerSum: 5 });
  });
});
