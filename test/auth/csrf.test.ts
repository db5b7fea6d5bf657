import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '@atelier/db';
import { TestPlatform } from '../support/platform.ts';
import { MockProvider } from './support/mockProvider.ts';
import { errorCode, SESSION_COOKIE, signInAs } from './support/signIn.ts';

// Served at https in production: cookies are Secure, and the only origin allowed to write is this one.
const SITE = 'https://atelier.example';

let provider: MockProvider;
let platform: TestPlatform;
let cookie: string;
let userId: string;
let apiKey: string;

beforeAll(async () => {
  provider = await MockProvider.start();
  platform = await TestPlatform.start({ ...provider.env(), PUBLIC_URL: SITE });
  ({ cookie, userId } = await signInAs(provider, platform.baseUrl, { sub: 'sub-csrf', email: 'csrf@example.com' }));
  ({ key: apiKey } = await createApiKey(platform.pool, userId));
});
afterAll(async () => {
  await platform?.stop();
  await provider?.stop();
});

const send = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
  fetch(platform.baseUrl + path, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    redirect: 'manual',
  });

const keyCount = async () =>
  (await platform.pool.query('SELECT count(*)::int AS n FROM api_keys WHERE user_id = $1 AND revoked_at IS NULL', [userId])).rows[0].n as number;

describe('the session cookie on https', () => {
  it('is Secure, HttpOnly, SameSite=Lax and __Host- prefixed', async () => {
    const { browser } = await signInAs(provider, platform.baseUrl, { sub: 'sub-cookie', email: 'cookie@example.com' });
    const session = browser.lastCookie(`__Host-${SESSION_COOKIE}`)!;
    expect(session).toBeDefined();
    expect(session.attributes.has('secure')).toBe(true);
    expect(session.attributes.has('httponly')).toBe(true);
    expect(session.attributes.get('samesite')).toBe('Lax');
    expect(session.attributes.get('path')).toBe('/');
    expect(session.attributes.has('domain')).toBe(false);
  });
});

describe('CSRF: state-changing requests authenticated by the cookie must come from the site', () => {
  it('a same-origin POST with the cookie is allowed', async () => {
    const response = await send('POST', '/api/keys', { cookie, origin: SITE }, { name: 'same origin' });
    expect(response.status).toBe(201);
  });

  it.each([
    ['another site', 'https://evil.example'],
    ['the same host over http', 'http://atelier.example'],
    ['a sibling subdomain', 'https://evil.atelier.example'],
    ['an opaque origin', 'null'],
  ])('a cross-origin POST with a valid cookie is refused: %s', async (_name, origin) => {
    const before = await keyCount();
    const response = await send('POST', '/api/keys', { cookie, origin }, { name: 'forged' });
    expect(response.status).toBe(403);
    expect(await errorCode(response)).toBe('csrf_rejected');
    expect(await keyCount()).toBe(before);
  });

  it('a POST with the cookie and no Origin at all is refused', async () => {
    const response = await send('POST', '/api/keys', { cookie }, { name: 'no origin' });
    expect(response.status).toBe(403);
    expect(await errorCode(response)).toBe('csrf_rejected');
  });

  it('a cross-origin DELETE and a cross-origin submit are refused and change nothing', async () => {
    const created = (await (await send('POST', '/api/keys', { cookie, origin: SITE }, {})).json()) as { apiKey: { id: string } };
    const del = await send('DELETE', `/api/keys/${created.apiKey.id}`, { cookie, origin: 'https://evil.example' });
    expect(del.status).toBe(403);
    const listed = (await (await send('GET', '/api/keys', { cookie })).json()) as { items: { id: string }[] };
    expect(listed.items.map((key) => key.id)).toContain(created.apiKey.id);

    const submit = await send('POST', '/api/generate/image', { cookie, origin: 'https://evil.example' }, { prompt: 'forged job' });
    expect(submit.status).toBe(403);
    expect(await errorCode(submit)).toBe('csrf_rejected');
    const jobs = await platform.pool.query('SELECT 1 FROM generation_jobs WHERE user_id = $1', [userId]);
    expect(jobs.rows).toHaveLength(0);
  });

  it('a cross-origin logout is refused and the session lives on', async () => {
    const response = await send('POST', '/auth/logout', { cookie, origin: 'https://evil.example' });
    expect(response.status).toBe(403);
    expect((await send('GET', '/api/me', { cookie })).status).toBe(200);
  });

  it('reads are not state-changing: a cross-origin GET is answered (CORS keeps the body from the other site)', async () => {
    const response = await send('GET', '/api/me', { cookie, origin: 'https://evil.example' });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('CSRF does not apply to API keys', () => {
  it('a cross-origin POST with an API key is allowed', async () => {
    const response = await send('POST', '/api/keys', { authorization: `Bearer ${apiKey}`, origin: 'https://evil.example' }, { name: 'by key' });
    expect(response.status).toBe(201);
  });

  it('a request with both is judged by the key, and a bad key is 401 even beside a good cookie', async () => {
    const withBoth = await send('POST', '/api/keys', { authorization: `Bearer ${apiKey}`, cookie, origin: 'https://evil.example' }, {});
    expect(withBoth.status).toBe(201);
    const badKey = await send('GET', '/api/me', { authorization: 'Bearer atl_not-a-key', cookie });
    expect(badKey.status).toBe(401);
    expect(await errorCode(badKey)).toBe('unauthenticated');
  });
});
