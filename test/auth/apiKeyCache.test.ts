import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestPlatform, type TestUser } from '../support/platform.ts';

/**
 * The API remembers whom a key belongs to (AUTH_CACHE_TTL_MS, 30 s by default) and forgets it
 * when PostgreSQL announces a change, whichever process made it. The changes here are made
 * with SQL on the test's own connection: another process, as far as the API can tell.
 */
let platform: TestPlatform;
beforeAll(async () => {
  platform = await TestPlatform.start();
});
afterAll(() => platform?.stop());

const get = (user: TestUser, path: string) => fetch(platform.baseUrl + path, { headers: user.headers });
const submitImage = (user: TestUser) =>
  fetch(`${platform.baseUrl}/api/generate/image`, {
    method: 'POST',
    headers: { ...user.headers, 'content-type': 'application/json' },
    body: JSON.stringify({ prompt: 'cached', params: { width: 64, height: 64, steps: 1 } }),
  });

async function within<T>(ms: number, attempt: () => Promise<T | undefined>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return { value, ms: performance.now() - start };
    if (performance.now() - start > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('remembered API keys', () => {
  it('answers a known key without reading the database: its last use is not refreshed', async () => {
    const user = await platform.createUser();
    expect((await get(user, '/api/me')).status).toBe(200);
    await platform.pool.query(`UPDATE api_keys SET last_used_at = '2000-01-01' WHERE user_id = $1`, [user.user.id]);
    expect((await get(user, '/api/me')).status).toBe(200);
    const { rows } = await platform.pool.query<{ lastUsed: Date }>(`SELECT last_used_at AS "lastUsed" FROM api_keys WHERE user_id = $1`, [user.user.id]);
    expect(rows[0]!.lastUsed.getUTCFullYear()).toBe(2000);
  });

  it('refuses a key revoked elsewhere as soon as the notice arrives', async () => {
    const user = await platform.createUser();
    expect((await get(user, '/api/me')).status).toBe(200);
    await platform.pool.query(`UPDATE api_keys SET revoked_at = now() WHERE user_id = $1`, [user.user.id]);
    const refused = await within(2_000, async () => ((await get(user, '/api/me')).status === 401 ? true : undefined));
    expect(refused.ms).toBeLessThan(1_000);
  });

  it('submits at the new plan’s priority once a plan changed elsewhere is announced', async () => {
    const user = await platform.createUser({ plan: 'free', credits: 1_000 });
    expect((await submitImage(user)).status).toBe(202);
    await platform.pool.query(`UPDATE users SET plan = 'pro' WHERE id = $1`, [user.user.id]);
    const priority = await within(2_000, async () => {
      const { job } = (await (await submitImage(user)).json()) as { job: { id: string } };
      const { rows } = await platform.pool.query<{ priority: number }>('SELECT priority FROM generation_jobs WHERE id = $1', [job.id]);
      return rows[0]!.priority === 1 ? rows[0]!.priority : undefined;
    });
    expect(priority.ms).toBeLessThan(1_000);
  });

  it('shows the balance as it is now, not as it was when the key was remembered', async () => {
    const user = await platform.createUser({ credits: 100 });
    expect((await get(user, '/api/me')).status).toBe(200);
    await platform.pool.query('UPDATE users SET credits = 777 WHERE id = $1', [user.user.id]);
    expect(await (await get(user, '/api/me')).json()).toMatchObject({ credits: 777 });
    expect(await (await get(user, '/api/credits')).json()).toMatchObject({ balance: 777 });
  });

  it('looks a key in use up again before it expires, in the background: its requests never wait on an expiry', async () => {
    const api = await platform.startApiProcess({ AUTH_CACHE_TTL_MS: '2000' });
    try {
      const user = await platform.createUser();
      const meAt = (baseUrl: string) => fetch(`${baseUrl}/api/me`, { headers: user.headers });
      const lastUsedYear = async () =>
        (
          await platform.pool.query<{ lastUsed: Date }>(`SELECT last_used_at AS "lastUsed" FROM api_keys WHERE user_id = $1`, [user.user.id])
        ).rows[0]!.lastUsed.getUTCFullYear();
      const forgetLastUse = () => platform.pool.query(`UPDATE api_keys SET last_used_at = '2000-01-01' WHERE user_id = $1`, [user.user.id]);
      expect((await meAt(api.baseUrl)).status).toBe(200);
      // The key was remembered just before this answer: time from here, not from the request
      // (on a busy machine the first lookup alone can take most of the key's 2 s).
      const start = performance.now();
      await forgetLastUse();
      // In the last quarter of the key's 2 s: answered from memory, and looked up behind it.
      await new Promise((resolve) => setTimeout(resolve, 1_600 - (performance.now() - start)));
      expect((await meAt(api.baseUrl)).status).toBe(200);
      // A bound on waiting, not a speed check: the lookup runs behind the answer.
      await within(5_000, async () => ((await lastUsedYear()) > 2000 ? true : undefined));
      await forgetLastUse();
      // Past the first lookup's 2 s, within the second's: still no database read.
      await new Promise((resolve) => setTimeout(resolve, 2_600 - (performance.now() - start)));
      expect((await meAt(api.baseUrl)).status).toBe(200);
      expect(await lastUsedYear()).toBe(2000);
    } finally {
      api.process.kill('SIGKILL');
    }
  });
});
