import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { builtInCatalog, costOf, parseGenerateBody, plans } from '@atelier/contracts';
import { ledgerBalance } from '@atelier/db';
import { TestPlatform } from '../support/platform.ts';
import { getJson, postJson } from '../support/api.ts';

let platform: TestPlatform;
const checked = new Set<string>();

beforeAll(async () => {
  platform = await TestPlatform.start();
});
afterAll(async () => platform?.stop());

/** After every scenario: each balance equals its ledger sum and none is negative. */
afterEach(async () => {
  for (const userId of checked) {
    const { balance, ledgerSum } = await ledgerBalance(platform.pool, userId);
    expect(balance).toBe(ledgerSum);
    expect(balance).toBeGreaterThanOrEqual(0);
  }
});

const small = { prompt: 'a small thing', params: { width: 64, height: 64 } };
const parsedSmall = parseGenerateBody(builtInCatalog().defaultOf('image'), small);
const smallCost = costOf('image', parsedSmall.prompt, parsedSmall.params);

describe('the credit ledger under concurrency', () => {
  it('40 concurrent submits against a balance for exactly 10: 10 jobs, 30 × 402, balance 0', async () => {
    const user = await platform.createUser({ credits: 10 * smallCost });
    checked.add(user.user.id);
    const answers = await Promise.all(Array.from({ length: 40 }, () => postJson(platform, user, '/api/generate/image', small)));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 202)).toHaveLength(10);
    expect(statuses.filter((s) => s === 402)).toHaveLength(30);
    expect(answers.find((a) => a.status === 402)!.body).toMatchObject({ error: { code: 'insufficient_credits' } });

    const jobs = await platform.pool.query('SELECT count(*)::int AS n FROM generation_jobs WHERE user_id = $1', [user.user.id]);
    expect(jobs.rows[0].n).toBe(10);
    expect(await ledgerBalance(platform.pool, user.user.id)).toEqual({ balance: 0, ledgerSum: 0 });
    const reserves = await platform.pool.query(`SELECT count(*)::int AS n FROM credit_transactions WHERE user_id = $1 AND kind = 'reserve'`, [user.user.id]);
    expect(reserves.rows[0].n).toBe(10);
  });

  it('the database refuses a negative balance whatever the application does', async () => {
    const user = await platform.createUser({ credits: 3 });
    await expect(platform.pool.query('UPDATE users SET credits = credits - 5 WHERE id = $1', [user.user.id])).rejects.toThrow(/check constraint/);
  });

  it('caps the jobs a plan may have waiting or running at once with 429', async () => {
    const user = await platform.createUser({ credits: 1_000 });
    checked.add(user.user.id);
    const limit = plans.free.maxActiveJobs;
    const answers = await Promise.all(Array.from({ length: limit + 5 }, () => postJson(platform, user, '/api/generate/image', small)));
    expect(answers.filter((a) => a.status === 202)).toHaveLength(limit);
    const refused = answers.filter((a) => a.status === 429);
    expect(refused).toHaveLength(5);
    expect(refused[0]!.body).toMatchObject({ error: { code: 'too_many_active_jobs' } });
  });

  it('cancel of a queued job refunds its reservation once', async () => {
    const user = await platform.createUser({ credits: 5 });
    checked.add(user.user.id);
    const { body } = await postJson<{ job: { id: string } }>(platform, user, '/api/generate/image', small);
    const cancel = () => fetch(`${platform.baseUrl}/api/jobs/${body.job.id}`, { method: 'DELETE', headers: user.headers });
    expect((await cancel()).status).toBe(200);
    expect((await cancel()).status).toBe(409);
    expect(await ledgerBalance(platform.pool, user.user.id)).toEqual({ balance: 5, ledgerSum: 5 });
    expect(await platform.queueOf().getJob(body.job.id)).toBeUndefined();
    const ledger = await getJson<{ items: { kind: string }[] }>(platform, user, '/api/credits');
    expect(ledger.body.items.map((i) => i.kind)).toEqual(['refund', 'reserve', 'grant']);
  });
});

describe('Idempotency-Key on submit', () => {
  it('replays the first answer for the same key and body, and charges once', async () => {
    const user = await platform.createUser({ credits: 10 });
    checked.add(user.user.id);
    const first = await postJson(platform, user, '/api/generate/image', small, { 'idempotency-key': 'replay-1' });
    const again = await postJson(platform, user, '/api/generate/image', { params: small.params, prompt: small.prompt }, { 'idempotency-key': 'replay-1' });
    expect(first.status).toBe(202);
    expect(again).toEqual(first);
    expect((await ledgerBalance(platform.pool, user.user.id)).balance).toBe(10 - smallCost);
  });

  it('refuses the same key with a different body: 422', async () => {
    const user = await platform.createUser({ credits: 10 });
    checked.add(user.user.id);
    await postJson(platform, user, '/api/generate/image', small, { 'idempotency-key': 'reuse-1' });
    const other = await postJson(platform, user, '/api/generate/image', { ...small, prompt: 'something else' }, { 'idempotency-key': 'reuse-1' });
    expect(other.status).toBe(422);
    expect(other.body).toMatchObject({ error: { code: 'idempotency_key_reused' } });
  });

  it('two racing requests with one key make one job', async () => {
    const user = await platform.createUser({ credits: 10 });
    checked.add(user.user.id);
    const answers = await Promise.all(Array.from({ length: 8 }, () => postJson(platform, user, '/api/generate/image', small, { 'idempotency-key': 'race-1' })));
    expect(new Set(answers.map((a) => JSON.stringify(a)))).toHaveProperty('size', 1);
    const jobs = await platform.pool.query('SELECT count(*)::int AS n FROM generation_jobs WHERE user_id = $1', [user.user.id]);
    expect(jobs.rows[0].n).toBe(1);
  });

  it('one key belongs to one user: another user may use the same key', async () => {
    const [a, b] = [await platform.createUser(), await platform.createUser()];
    const first = await postJson<{ job: { id: string } }>(platform, a, '/api/generate/image', small, { 'idempotency-key': 'shared' });
    const second = await postJson<{ job: { id: string } }>(platform, b, '/api/generate/image', small, { 'idempotency-key': 'shared' });
    expect(second.status).toBe(202);
    expect(second.body.job.id).not.toBe(first.body.job.id);
  });
});
