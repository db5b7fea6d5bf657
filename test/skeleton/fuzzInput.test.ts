import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodes } from '@atelier/contracts';
import { TestPlatform, type TestUser } from '../support/platform.ts';

let platform: TestPlatform;
let alice: TestUser;

beforeAll(async () => {
  // No worker: submitted jobs wait, and a burst of accepted ones is fine.
  platform = await TestPlatform.start({ SUBMIT_RATE_LIMIT_MAX: '100000', RATE_LIMIT_MAX: '100000', LOG_LEVEL: 'error' });
  alice = await platform.createUser({ credits: 1_000_000 });
});
afterAll(async () => platform?.stop());

const registered = Object.keys(errorCodes);

async function expectNo500(path: string, init: RequestInit = {}): Promise<void> {
  const response = await fetch(platform.baseUrl + path, { ...init, headers: { ...alice.headers, ...init.headers } });
  const text = await response.text();
  expect(response.status, `${init.method ?? 'GET'} ${path} ${String(init.body ?? '').slice(0, 300)} → ${text.slice(0, 300)}`).toBeLessThan(500);
  if (response.status >= 400) expect(registered).toContain((JSON.parse(text) as { error: { code: string } }).error.code);
}

/** Strings with what breaks things: NUL and other controls, lone surrogates, quotes, very long runs. */
const nasty = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('\u0000', '\ud800', "'; --", '%00', '1e30', '-1', '1.5', 'NaN', ''));
const anyJson = fc.jsonValue({ maxDepth: 6 });

describe('fuzzed input never reaches a 500, and every error has a registered code', () => {
  it('the submit body', async () => {
    // Mostly bodies the schema takes, so that what is odd in them reaches the database.
    const text = fc.oneof(
      fc.string({ minLength: 1 }),
      fc.string({ unit: 'binary', minLength: 1 }),
      fc.string().map((s) => `a cat${s}\u0000${s}`),
    );
    const params = fc.record(
      { width: fc.integer(), height: fc.integer(), seed: fc.integer(), steps: fc.integer(), seconds: fc.double(), voice: text },
      { requiredKeys: [] },
    );
    const body = fc.oneof(
      { arbitrary: fc.record({ prompt: text, params: fc.oneof(params, fc.dictionary(nasty, anyJson)) }, { requiredKeys: ['prompt'] }), weight: 4 },
      { arbitrary: fc.record({ prompt: fc.oneof(nasty, anyJson), params: anyJson }, { requiredKeys: [] }), weight: 1 },
      { arbitrary: anyJson, weight: 1 },
    );
    const kind = fc.constantFrom('image', 'video', 'voice', 'x', '%00');
    const key = fc.option(fc.stringMatching(/^[\x21-\x7e]{1,20}$/), { nil: undefined });
    await fc.assert(
      fc.asyncProperty(kind, body, key, async (k, b, idempotencyKey) => {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey;
        await expectNo500(`/api/generate/${k}`, { method: 'POST', body: JSON.stringify(b), headers });
      }),
      { numRuns: 200 },
    );
  });

  it('the query strings of the list routes', async () => {
    const base64url = (text: string) => Buffer.from(text).toString('base64url');
    const dateLike = fc.date({ noInvalidDate: true }).map((date) => date.toISOString().replace('T', ' ').replace('Z', '+00'));
    const cursor = fc.oneof(
      fc.tuple(fc.oneof(dateLike, nasty), fc.oneof(fc.uuid(), nasty)).map(([date, id]) => base64url(`${date}|${id}`)),
      fc.oneof(fc.double(), fc.bigInt(), fc.integer()).map((n) => base64url(String(n))),
      nasty.map(base64url),
      nasty,
    );
    const value = fc.oneof(nasty, fc.integer().map(String), fc.double().map(String));
    const query = fc.record({ cursor, limit: value, kind: fc.oneof(fc.constantFrom('image', 'video', 'voice'), nasty), x: value }, { requiredKeys: [] });
    const route = fc.constantFrom('/api/jobs', '/api/assets', '/api/credits', '/api/keys');
    await fc.assert(
      fc.asyncProperty(route, query, async (path, params) => {
        await expectNo500(`${path}?${new URLSearchParams(params)}`);
      }),
      { numRuns: 300 },
    );
  });
});
