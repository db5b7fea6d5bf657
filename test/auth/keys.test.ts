import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestPlatform } from '../support/platform.ts';
import { MockProvider } from './support/mockProvider.ts';
import { errorCode, signInAs } from './support/signIn.ts';

let provider: MockProvider;
let platform: TestPlatform;
let alice: { cookie: string; userId: string };
let bob: { cookie: string; userId: string };

beforeAll(async () => {
  provider = await MockProvider.start();
  platform = await TestPlatform.start(provider.env());
  alice = await signInAs(provider, platform.baseUrl, { sub: 'sub-key-alice', email: 'key-alice@example.com' });
  bob = await signInAs(provider, platform.baseUrl, { sub: 'sub-key-bob', email: 'key-bob@example.com' });
});
afterAll(async () => {
  await platform?.stop();
  await provider?.stop();
});

interface KeyInfo {
  id: string;
  prefix: string;
  name: string | null;
  createdAt: string;
  lastUsedAt: string | null;
}

const asSession = (who: { cookie: string }) => ({ cookie: who.cookie, origin: platform.baseUrl });
const asKey = (key: string) => ({ authorization: `Bearer ${key}` });

async function call(method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const response = await fetch(platform.baseUrl + path, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return response;
}

async function createKey(who: { cookie: string }, name?: string): Promise<{ key: string; apiKey: KeyInfo }> {
  const response = await call('POST', '/api/keys', asSession(who), name === undefined ? {} : { name });
  expect(response.status).toBe(201);
  return (await response.json()) as { key: string; apiKey: KeyInfo };
}

const listKeys = async (headers: Record<string, string>) => ((await (await call('GET', '/api/keys', headers)).json()) as { items: KeyInfo[] }).items;

describe('API keys', () => {
  it('are shown once at creation, and work at once', async () => {
    const response = await call('POST', '/api/keys', asSession(alice), { name: 'laptop' });
    expect(response.status).toBe(201);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const { key, apiKey } = (await response.json()) as { key: string; apiKey: KeyInfo };
    expect(key).toMatch(/^atl_[\w-]{43}$/);
    expect(key.startsWith(apiKey.prefix)).toBe(true);
    expect(apiKey).toMatchObject({ name: 'laptop', lastUsedAt: null });

    const me = await call('GET', '/api/me', asKey(key));
    expect(me.status).toBe(200);
    expect(((await me.json()) as { id: string }).id).toBe(alice.userId);
  });

  it('are listed by prefix and last use only, never the key itself', async () => {
    const { key, apiKey } = await createKey(alice, 'listed');
    await call('GET', '/api/me', asKey(key));
    const response = await call('GET', '/api/keys', asSession(alice));
    const text = await response.text();
    expect(text).not.toContain(key);
    const listed = (JSON.parse(text) as { items: KeyInfo[] }).items.find((item) => item.id === apiKey.id)!;
    expect(Object.keys(listed).sort()).toEqual(['createdAt', 'id', 'lastUsedAt', 'monthlyCreditCap', 'name', 'prefix', 'scopes', 'spentThisMonth']);
    expect(listed.prefix).toBe(apiKey.prefix);
    expect(Date.parse(listed.lastUsedAt!)).toBeGreaterThan(Date.now() - 60_000);
    // Bob sees none of Alice's keys.
    expect((await listKeys(asSession(bob))).map((item) => item.id)).not.toContain(apiKey.id);
  });

  it('stop working at once when revoked', async () => {
    const { key, apiKey } = await createKey(alice, 'to revoke');
    expect((await call('GET', '/api/jobs', asKey(key))).status).toBe(200);

    const revoked = await call('DELETE', `/api/keys/${apiKey.id}`, asSession(alice));
    expect(revoked.status).toBe(204);
    for (const [method, path] of [
      ['GET', '/api/me'],
      ['GET', '/api/jobs'],
      ['POST', '/api/keys'],
    ] as const) {
      const response = await call(method, path, asKey(key), method === 'POST' ? {} : undefined);
      expect(response.status, `${method} ${path}`).toBe(401);
      expect(await errorCode(response)).toBe('unauthenticated');
    }
    expect((await listKeys(asSession(alice))).map((item) => item.id)).not.toContain(apiKey.id);
    const again = await call('DELETE', `/api/keys/${apiKey.id}`, asSession(alice));
    expect(again.status).toBe(404);
    expect(await errorCode(again)).toBe('api_key_not_found');
  });

  it('can be managed with a key too, including revoking the key in use', async () => {
    const { key } = await createKey(alice);
    const made = await call('POST', '/api/keys', asKey(key), { name: 'made by a key' });
    expect(made.status).toBe(201);
    const self = (await listKeys(asKey(key))).find((item) => key.startsWith(item.prefix))!;
    expect((await call('DELETE', `/api/keys/${self.id}`, asKey(key))).status).toBe(204);
    expect((await call('GET', '/api/me', asKey(key))).status).toBe(401);
  });

  it("another user's key is 404 and stays alive", async () => {
    const { key, apiKey } = await createKey(alice);
    const response = await call('DELETE', `/api/keys/${apiKey.id}`, asSession(bob));
    expect(response.status).toBe(404);
    expect(await errorCode(response)).toBe('api_key_not_found');
    expect((await call('GET', '/api/me', asKey(key))).status).toBe(200);
  });

  it.each([
    ['a name too long', { name: 'x'.repeat(101) }, 400, 'validation_failed'],
    ['an empty name', { name: '   ' }, 400, 'validation_failed'],
    ['an unknown field', { name: 'ok', scopes: ['all'] }, 400, 'validation_failed'],
  ])('refuses %s', async (_name, body, status, code) => {
    const response = await call('POST', '/api/keys', asSession(alice), body);
    expect(response.status).toBe(status);
    expect(await errorCode(response)).toBe(code);
  });

  it('a key id that is not a UUID is 404', async () => {
    const response = await call('DELETE', '/api/keys/not-a-uuid', asSession(alice));
    expect(response.status).toBe(404);
    expect(await errorCode(response)).toBe('api_key_not_found');
  });
});
