import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerBalance } from '@atelier/db';
import { AtelierApiError, AtelierClient } from '@atelier/client';
import type { ApiKeyView } from '@atelier/contracts';
import { TestPlatform, type TestUser } from '../support/platform.ts';
import { documentedFetch } from '../support/documentedAnswers.ts';

let platform: TestPlatform;
let alice: TestUser;

beforeAll(async () => {
  platform = await TestPlatform.start();
  alice = await platform.createUser({ credits: 1_000 });
});
afterAll(async () => platform?.stop());

async function call(method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const response = await documentedFetch(platform.baseUrl + path, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> & { error?: { code: string } } };
}

async function createKey(limits: { scopes?: string[]; monthlyCreditCap?: number | null }) {
  const created = await call('POST', '/api/keys', alice.headers, { name: 'limited', ...limits });
  expect(created.status).toBe(201);
  return created.body as { key: string; apiKey: ApiKeyView };
}

const clientOf = (apiKey: string) => new AtelierClient({ baseUrl: platform.baseUrl, apiKey, fetch: documentedFetch });
const jobCount = async () => (await platform.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM generation_jobs')).rows[0]!.n;
// 256×256 costs 1 + ceil(0.066 × 4) = 2 credits.
const smallImage = { prompt: 'a small cat', params: { width: 256, height: 256, steps: 1 } };

describe('API key scopes', () => {
  it('a key without `generate` cannot submit or cancel: 403, and no job is made', async () => {
    const { key } = await createKey({ scopes: ['read'] });
    const before = await jobCount();
    const error = await clientOf(key)
      .submit('image', smallImage)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AtelierApiError);
    expect(error).toMatchObject({ status: 403, code: 'api_key_scope_missing' });
    expect(await jobCount()).toBe(before);
    // It still reads.
    expect((await clientOf(key).list()).items).toEqual([]);
  });

  it('a key without `read` cannot read jobs or streams, but submits', async () => {
    const { key } = await createKey({ scopes: ['generate'] });
    const { job } = await clientOf(key).submit('image', smallImage);
    for (const path of ['/api/jobs', `/api/jobs/${job.id}`, `/api/generate/${job.id}/stream`, '/api/assets']) {
      const response = await call('GET', path, { authorization: `Bearer ${key}` });
      expect(response.status, path).toBe(403);
      expect(response.body.error!.code).toBe('api_key_scope_missing');
    }
  });

  it('a limited key cannot mint or widen keys; a session or a full key can set both limits', async () => {
    const { key, apiKey } = await createKey({ scopes: ['generate', 'read'], monthlyCreditCap: 50 });
    expect(apiKey).toMatchObject({ scopes: ['generate', 'read'], monthlyCreditCap: 50, spentThisMonth: 0 });
    const minted = await call('POST', '/api/keys', { authorization: `Bearer ${key}` }, { name: 'wider' });
    expect(minted.status).toBe(403);
    const widened = await call('PATCH', `/api/keys/${apiKey.id}`, { authorization: `Bearer ${key}` }, { monthlyCreditCap: null });
    expect(widened.status).toBe(403);

    const changed = await call('PATCH', `/api/keys/${apiKey.id}`, alice.headers, { scopes: ['read'], monthlyCreditCap: 10 });
    expect(changed.status).toBe(200);
    expect(changed.body.apiKey).toMatchObject({ scopes: ['read'], monthlyCreditCap: 10 });
    // In force at once: the process that changed it forgets what it remembered of the key.
    const refused = await clientOf(key)
      .submit('image', smallImage)
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'api_key_scope_missing' });
    const listed = (await call('GET', '/api/keys', alice.headers)).body.items as ApiKeyView[];
    expect(listed.find((item) => item.id === apiKey.id)).toMatchObject({ scopes: ['read'], monthlyCreditCap: 10 });
  });

  it.each([
    ['an unknown scope', { scopes: ['admin'] }],
    ['no scope', { scopes: [] }],
    ['a repeated scope', { scopes: ['read', 'read'] }],
    ['a cap of 0', { monthlyCreditCap: 0 }],
    ['a fractional cap', { monthlyCreditCap: 2.5 }],
    ['a cap of the wrong type', { monthlyCreditCap: '10' }],
  ])('refuses %s with 400 validation_failed', async (_name, body) => {
    const response = await call('POST', '/api/keys', alice.headers, body);
    expect(response.status).toBe(400);
    expect(response.body.error!.code).toBe('validation_failed');
  });
});

describe('a monthly credit cap', () => {
  it('lets concurrent submits through only up to the cap, decided with the reservation', async () => {
    const { key, apiKey } = await createKey({ monthlyCreditCap: 10 });
    const client = clientOf(key);
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () =>
        client.submit('image', smallImage).then(
          () => 'accepted',
          (error: AtelierApiError) => error.code,
        ),
      ),
    );
    expect(outcomes.filter((o) => o === 'accepted')).toHaveLength(5);
    expect(outcomes.filter((o) => o === 'key_spend_cap_reached')).toHaveLength(15);

    const rows = await platform.pool.query<{ n: number; cost: number }>(
      'SELECT count(*)::int AS n, sum(cost)::int AS cost FROM generation_jobs WHERE api_key_id = $1',
      [apiKey.id],
    );
    expect(rows.rows[0]).toEqual({ n: 5, cost: 10 });
    const { balance, ledgerSum } = await ledgerBalance(platform.pool, alice.user.id);
    expect(balance).toBe(ledgerSum);
    expect(balance).toBe(1_000 - 10 - 2);

    // A canceled job gives its credits back to the key's month, and one more fits.
    const [first] = (await client.list()).items;
    await client.cancel(first!.id);
    const listed = (await call('GET', '/api/keys', alice.headers)).body.items as ApiKeyView[];
    expect(listed.find((item) => item.id === apiKey.id)!.spentThisMonth).toBe(8);
    await client.submit('image', smallImage);
    await expect(client.submit('image', smallImage)).rejects.toMatchObject({ status: 402, code: 'key_spend_cap_reached' });
  });

  it("counts only this month: last month's spend does not count", async () => {
    const { key, apiKey } = await createKey({ monthlyCreditCap: 2 });
    await platform.pool.query(`UPDATE api_keys SET month_spent = 2, spend_month = spend_month - interval '1 month' WHERE id = $1`, [apiKey.id]);
    await clientOf(key).submit('image', smallImage);
    const spend = await platform.pool.query(
      'SELECT month_spent, spend_month = date_trunc($2, now() AT TIME ZONE $3)::date AS current FROM api_keys WHERE id = $1',
      [apiKey.id, 'month', 'UTC'],
    );
    expect(spend.rows[0]).toEqual({ month_spent: 2, current: true });
  });

  it("is the key's own: the same user's other keys spend past it", async () => {
    const { apiKey } = await createKey({ monthlyCreditCap: 1 });
    expect(apiKey.monthlyCreditCap).toBe(1);
    await clientOf(alice.apiKey).submit('image', smallImage);
    const spent = await platform.pool.query<{ month_spent: number }>('SELECT month_spent FROM api_keys WHERE id = $1', [apiKey.id]);
    expect(spent.rows[0]!.month_spent).toBe(0);
  });
});

describe('atelier keys create', () => {
  const atelierBin = new URL('../../apps/cli/bin/atelier.js', import.meta.url).pathname;
  const run = (...args: string[]) => promisify(execFile)(process.execPath, [atelierBin, 'keys', 'create', ...args], { env: platform.env });

  it('makes a key with the scopes and cap asked for', async () => {
    const { stdout } = await run('--email', alice.user.email, '--scopes', 'read', '--cap', '25');
    const key = stdout.trim();
    const listed = (await call('GET', '/api/keys', alice.headers)).body.items as ApiKeyView[];
    expect(listed.find((item) => key.startsWith(item.prefix) && item.name === 'cli')).toMatchObject({ scopes: ['read'], monthlyCreditCap: 25 });
    await expect(clientOf(key).submit('image', smallImage)).rejects.toMatchObject({ code: 'api_key_scope_missing' });
  });

  it.each([
    ['an unknown scope', ['--scopes', 'read,admin']],
    ['a cap of 0', ['--cap', '0']],
  ])('refuses %s and makes no key', async (_name, flags) => {
    const before = (await call('GET', '/api/keys', alice.headers)).body.items as ApiKeyView[];
    await expect(run('--email', alice.user.email, ...flags)).rejects.toMatchObject({ code: 1 });
    expect(((await call('GET', '/api/keys', alice.headers)).body.items as ApiKeyView[]).length).toBe(before.length);
  });
});
