import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerBalance } from '@atelier/db';
import { TestPlatform, type TestUser } from '../support/platform.ts';

let platform: TestPlatform;
let alice: TestUser;

beforeAll(async () => {
  platform = await TestPlatform.start();
  alice = await platform.createUser({ credits: 500 });
});
afterAll(async () => platform?.stop());

async function call(path: string, init: RequestInit = {}) {
  const response = await fetch(platform.baseUrl + path, { ...init, headers: { ...alice.headers, 'content-type': 'application/json', ...init.headers } });
  return { status: response.status, body: (await response.json()) as { error?: { code: string; message: string } } };
}
const submit = (body: string, headers: Record<string, string> = {}) => call('/api/generate/image', { method: 'POST', body, headers });
const base64url = (text: string) => Buffer.from(text).toString('base64url');

describe('input PostgreSQL or the stack cannot take is a 400, never a 500', () => {
  it('a NUL character in the prompt, in a param, or in a key', async () => {
    for (const body of [{ prompt: 'a cat\u0000' }, { prompt: 'a cat', params: { style: '\u0000' } }, { prompt: 'a cat', params: { 'st\u0000yle': 'x' } }]) {
      const answer = await submit(JSON.stringify(body), { 'idempotency-key': `nul-${Math.random()}` });
      expect(answer.status, JSON.stringify(answer.body)).toBe(400);
      expect(answer.body.error?.code).toBe('validation_failed');
      expect(answer.body.error?.message).toMatch(/NUL/);
    }
    expect((await platform.pool.query('SELECT count(*)::int AS n FROM generation_jobs')).rows[0].n).toBe(0);
    expect(await ledgerBalance(platform.pool, alice.user.id)).toEqual({ balance: 500, ledgerSum: 500 });
  });

  it('JSON nested 10,000 deep, with and without an Idempotency-Key', async () => {
    const deep = `{"prompt":"a cat","params":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    for (const headers of [{ 'idempotency-key': 'deep-1' }, {}] as Record<string, string>[]) {
      const answer = await submit(deep, headers);
      expect(answer.status).toBe(400);
      expect(answer.body.error?.code).toBe('validation_failed');
      expect(answer.body.error?.message).toMatch(/nested deeper than/);
    }
  });

  const badCursors: Array<[string, string, string]> = [
    ['a job cursor whose id is not a uuid', '/api/jobs', base64url('2026-12-05 04:42:29.123456+00|not-a-uuid')],
    ['a job cursor whose date does not exist', '/api/jobs', base64url('2026-02-30 04:42:29.123456+00|6f1c1c8e-8a39-4f6e-9d43-2b0a1f5d7c11')],
    ['a job cursor whose date is a bare number', '/api/jobs', base64url('1|6f1c1c8e-8a39-4f6e-9d43-2b0a1f5d7c11')],
    ['a job cursor with a NUL', '/api/jobs', base64url('2026-12-05 04:42:29+00|6f1c1c8e-8a39-4f6e-9d43-2b0a1f5d7c11\u0000')],
    ['an asset cursor whose id is not a uuid', '/api/assets', base64url('2026-12-05 04:42:29.123456+00|x')],
    ['an asset cursor whose hour is 25', '/api/assets', base64url('2026-12-05 25:42:29+00|6f1c1c8e-8a39-4f6e-9d43-2b0a1f5d7c11')],
    ['a credits cursor of 1.5', '/api/credits', base64url('1.5')],
    ['a credits cursor of 1e30', '/api/credits', base64url('1e30')],
    ['a credits cursor past bigint', '/api/credits', base64url('99999999999999999999')],
    ['a credits cursor of text', '/api/credits', 'bm90IGEgbnVtYmVy'],
  ];

  it.each(badCursors)('%s', async (_what, path, cursor) => {
    const answer = await call(`${path}?cursor=${encodeURIComponent(cursor)}`);
    expect(answer.status, JSON.stringify(answer.body)).toBe(400);
    expect(answer.body.error?.code).toBe('validation_failed');
  });

  it('cursors the API gave out still page', async () => {
    for (let i = 0; i < 3; i++) expect((await submit(JSON.stringify({ prompt: `page ${i}` }))).status).toBe(202);
    const first = (await (await fetch(`${platform.baseUrl}/api/jobs?limit=2`, { headers: alice.headers })).json()) as { nextCursor: string };
    const second = await call(`/api/jobs?limit=2&cursor=${first.nextCursor}`);
    expect(second.status).toBe(200);
    const credits = (await (await fetch(`${platform.baseUrl}/api/credits?limit=1`, { headers: alice.headers })).json()) as { nextCursor: string };
    expect((await call(`/api/credits?limit=1&cursor=${credits.nextCursor}`)).status).toBe(200);
  });
});
