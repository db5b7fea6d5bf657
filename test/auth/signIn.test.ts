import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { plans } from '@atelier/contracts';
import { ledgerBalance } from '@atelier/db';
import { TestPlatform } from '../support/platform.ts';
import { Browser } from './support/browser.ts';
import { CLIENT_ID, MockProvider } from './support/mockProvider.ts';
import { countSessions, sessionHash } from './support/session.ts';
import { authorize, errorCode, LOGIN_COOKIE, SESSION_COOKIE, signIn, startLogin } from './support/signIn.ts';

let provider: MockProvider;
let platform: TestPlatform;

beforeAll(async () => {
  provider = await MockProvider.start();
  platform = await TestPlatform.start(provider.env());
});
afterAll(async () => {
  await platform?.stop();
  await provider?.stop();
});

const me = (browser: Browser) => browser.fetch(`${platform.baseUrl}/api/me`);

async function signedIn(sub: string, email: string, extra: { name?: string; picture?: string } = {}) {
  provider.identity = { sub, email, email_verified: true, ...extra };
  const browser = new Browser();
  const callback = await signIn(browser, platform.baseUrl);
  expect(callback.status, await callback.clone().text()).toBe(302);
  return browser;
}

async function usersWithSubject(sub: string) {
  const { rows } = await platform.pool.query('SELECT id, email, name, avatar_url, plan, credits FROM users WHERE oidc_subject = $1', [sub]);
  return rows;
}

describe('signing in with the OpenID provider', () => {
  it('runs the whole flow: start, provider, callback, session cookie, /api/me', async () => {
    provider.identity = { sub: 'sub-alice', email: 'alice@example.com', email_verified: true, name: 'Alice Liddell', picture: 'https://example.com/alice.png' };
    const browser = new Browser();

    const authorizeUrl = await startLogin(browser, platform.baseUrl);
    expect(authorizeUrl.origin).toBe(provider.issuer);
    const params = authorizeUrl.searchParams;
    expect(params.get('response_type')).toBe('code');
    expect(params.get('client_id')).toBe(CLIENT_ID);
    expect(params.get('redirect_uri')).toBe(`${platform.baseUrl}/auth/google/callback`);
    expect(params.get('scope')!.split(' ')).toEqual(expect.arrayContaining(['openid', 'email', 'profile']));
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(params.get('state')).toMatch(/^[\w-]{20,}$/);
    expect(params.get('nonce')).toMatch(/^[\w-]{20,}$/);
    const login = browser.lastCookie(LOGIN_COOKIE)!;
    expect(login.value).toMatch(/^[\w-]{43}$/);
    expect(login.attributes.has('httponly')).toBe(true);
    expect(login.attributes.get('samesite')).toBe('Lax');
    // PUBLIC_URL is http here, so no Secure (a browser would drop it).
    expect(login.attributes.has('secure')).toBe(false);
    // Nothing of the login is in the cookie: state, nonce and verifier stay on the server.
    expect(login.value).not.toContain(params.get('state'));

    const callback = await browser.fetch((await authorize(browser, authorizeUrl, platform.baseUrl)).href);
    expect(callback.status, await callback.clone().text()).toBe(302);
    expect(callback.headers.get('location')).toBe('/app');
    const session = browser.lastCookie(SESSION_COOKIE)!;
    expect(session.value).toMatch(/^[\w-]{43}$/);
    expect(session.attributes.has('httponly')).toBe(true);
    expect(session.attributes.get('samesite')).toBe('Lax');
    expect(session.attributes.get('path')).toBe('/');
    expect(Number(session.attributes.get('max-age'))).toBe(Number(platform.services!.config.SESSION_TTL_SECONDS));
    expect(browser.cookies(platform.baseUrl).has(LOGIN_COOKIE)).toBe(false);

    const answer = await me(browser);
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as Record<string, unknown>;
    expect(body).toEqual({
      id: expect.any(String),
      email: 'alice@example.com',
      name: 'Alice Liddell',
      avatarUrl: 'https://example.com/alice.png',
      plan: 'free',
      credits: plans.free.startingCredits,
      upgradeAvailable: false,
    });

    // Only the hash of the session id is stored.
    const stored = await platform.pool.query('SELECT id_hash, user_id, expires_at FROM sessions WHERE user_id = $1', [body.id]);
    expect(stored.rows).toHaveLength(1);
    expect(stored.rows[0].id_hash).toEqual(sessionHash(session.value));
    const ttlMs = platform.services!.config.SESSION_TTL_SECONDS * 1000;
    expect(Math.abs(stored.rows[0].expires_at.getTime() - (Date.now() + ttlMs))).toBeLessThan(60_000);
    // The starting credits came through the ledger.
    expect(await ledgerBalance(platform.pool, body.id as string)).toEqual({ balance: plans.free.startingCredits, ledgerSum: plans.free.startingCredits });
  });

  it('finds a returning user by subject, refreshes the profile, and grants nothing twice', async () => {
    const first = await signedIn('sub-returning', 'first@example.com', { name: 'First Name' });
    const { id } = (await (await me(first)).json()) as { id: string };
    const second = await signedIn('sub-returning', 'renamed@example.com', { name: 'New Name' });
    expect(await (await me(second)).json()).toMatchObject({ id, email: 'renamed@example.com', name: 'New Name', credits: plans.free.startingCredits });
    expect(await usersWithSubject('sub-returning')).toHaveLength(1);
    expect(await ledgerBalance(platform.pool, id)).toEqual({ balance: plans.free.startingCredits, ledgerSum: plans.free.startingCredits });
  });

  it('never matches by email alone: the same address from another subject is refused', async () => {
    await signedIn('sub-owner', 'shared@example.com');
    const before = await countSessions(platform.pool);
    provider.identity = { sub: 'sub-intruder', email: 'Shared@Example.com', email_verified: true };
    const browser = new Browser();
    const callback = await signIn(browser, platform.baseUrl);
    expect(callback.status).toBe(409);
    expect(await errorCode(callback)).toBe('email_in_use');
    expect(await usersWithSubject('sub-intruder')).toHaveLength(0);
    expect(await countSessions(platform.pool)).toBe(before);
    expect(browser.cookies(platform.baseUrl).has(SESSION_COOKIE)).toBe(false);
  });

  it('rotates the session on sign-in: the id held before stops working', async () => {
    const browser = await signedIn('sub-rotating', 'rotating@example.com');
    const oldId = browser.cookies(platform.baseUrl).get(SESSION_COOKIE)!;
    // Signing in again from the same browser, which still sends the old cookie.
    const callback = await signIn(browser, platform.baseUrl);
    expect(callback.status).toBe(302);
    const newId = browser.cookies(platform.baseUrl).get(SESSION_COOKIE)!;
    expect(newId).not.toBe(oldId);
    const withOld = await fetch(`${platform.baseUrl}/api/me`, { headers: { cookie: `${SESSION_COOKIE}=${oldId}` } });
    expect(withOld.status).toBe(401);
    expect((await me(browser)).status).toBe(200);
    const rows = await platform.pool.query('SELECT id_hash FROM sessions WHERE id_hash = $1', [sessionHash(oldId)]);
    expect(rows.rows).toHaveLength(0);
  });

  it('refuses a disabled account at sign-in, with no session', async () => {
    await signedIn('sub-disabled', 'disabled@example.com');
    await platform.pool.query('UPDATE users SET disabled_at = now() WHERE oidc_subject = $1', ['sub-disabled']);
    const before = await countSessions(platform.pool);
    provider.identity = { sub: 'sub-disabled', email: 'disabled@example.com', email_verified: true };
    const callback = await signIn(new Browser(), platform.baseUrl);
    expect(callback.status).toBe(403);
    expect(await errorCode(callback)).toBe('account_disabled');
    expect(await countSessions(platform.pool)).toBe(before);
  });

  it('reads the profile from the userinfo endpoint when the ID token has no email', async () => {
    provider.identity = { sub: 'sub-userinfo' };
    provider.server.service.once('beforeUserinfo', (userinfo) => {
      userinfo.body = { sub: 'sub-userinfo', email: 'userinfo@example.com', email_verified: true, name: 'From Userinfo' };
    });
    const browser = new Browser();
    expect((await signIn(browser, platform.baseUrl)).status).toBe(302);
    expect(await (await me(browser)).json()).toMatchObject({ email: 'userinfo@example.com', name: 'From Userinfo' });
  });
});

describe('a refused sign-in says why and leaves no session and no user', () => {
  let sessionsBefore: number;
  let usersBefore: number;
  const countUsers = async () => (await platform.pool.query('SELECT count(*)::int AS n FROM users')).rows[0].n as number;

  beforeEach(async () => {
    provider.identity = { sub: 'sub-refused', email: 'refused@example.com', email_verified: true };
    sessionsBefore = await countSessions(platform.pool);
    usersBefore = await countUsers();
  });
  afterEach(async () => {
    expect(await countSessions(platform.pool)).toBe(sessionsBefore);
    expect(await countUsers()).toBe(usersBefore);
  });

  /** Start a login and let the provider answer; `change` alters the callback URL before the browser follows it. */
  async function callbackWith(change: (callback: URL) => void = () => {}, browser = new Browser()) {
    const callback = await authorize(browser, await startLogin(browser, platform.baseUrl), platform.baseUrl);
    change(callback);
    const response = await browser.fetch(callback.href);
    return { response, browser };
  }

  async function expectRefused(response: Response, code = 'auth_failed', status = 401): Promise<string> {
    expect(response.status).toBe(status);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(code);
    expect(body.error.message.length).toBeGreaterThan(10);
    return body.error.message;
  }

  it('a callback without state', async () => {
    const { response, browser } = await callbackWith((url) => url.searchParams.delete('state'));
    expect(await expectRefused(response)).toMatch(/state/);
    // The attempt is spent: its cookie is cleared.
    expect(browser.cookies(platform.baseUrl).has(LOGIN_COOKIE)).toBe(false);
  });

  it('a callback with another state', async () => {
    const { response } = await callbackWith((url) => url.searchParams.set('state', 'not-the-state-we-sent'));
    expect(await expectRefused(response)).toMatch(/state/);
  });

  it('a callback in a browser that did not start the login (login CSRF)', async () => {
    const starter = new Browser();
    const callback = await authorize(starter, await startLogin(starter, platform.baseUrl), platform.baseUrl);
    await expectRefused(await new Browser().fetch(callback.href));
  });

  it('a replayed callback: the login state is used once', async () => {
    const browser = new Browser();
    const callback = await authorize(browser, await startLogin(browser, platform.baseUrl), platform.baseUrl);
    const loginId = browser.cookies(platform.baseUrl).get(LOGIN_COOKIE)!;
    const first = await browser.fetch(callback.href);
    expect(first.status).toBe(302);
    sessionsBefore += 1;
    usersBefore += 1;
    // The same URL with the same login cookie, as an attacker who saw both would send it.
    const replay = await fetch(callback.href, { headers: { cookie: `${LOGIN_COOKIE}=${loginId}` }, redirect: 'manual' });
    expect(await expectRefused(replay)).toMatch(/expired or was already used/);
  });

  it('an ID token with the wrong nonce', async () => {
    provider.tamperNextIdToken((token) => (token.payload.nonce = 'a-nonce-we-never-sent'));
    expect(await expectRefused((await callbackWith()).response)).toMatch(/nonce/);
  });

  it('an ID token for another audience', async () => {
    provider.tamperNextIdToken((token) => (token.payload.aud = 'some-other-client'));
    expect(await expectRefused((await callbackWith()).response)).toMatch(/aud/);
  });

  it('an ID token from another issuer', async () => {
    provider.tamperNextIdToken((token) => (token.payload.iss = 'https://accounts.evil.example'));
    expect(await expectRefused((await callbackWith()).response)).toMatch(/iss/);
  });

  it('an ID token with a bad signature', async () => {
    provider.tamperNextTokenResponse((response) => {
      const body = response.body as { id_token: string; access_token: string };
      // A real RS256 signature, but over other bytes: the access token's.
      const [header, payload] = body.id_token.split('.');
      body.id_token = `${header}.${payload}.${body.access_token.split('.')[2]}`;
    });
    expect(await expectRefused((await callbackWith()).response)).toMatch(/signature/i);
  });

  it('an expired ID token', async () => {
    provider.tamperNextIdToken((token) => {
      const now = Math.floor(Date.now() / 1000);
      Object.assign(token.payload, { iat: now - 7200, nbf: now - 7200, exp: now - 3600 });
    });
    expect(await expectRefused((await callbackWith()).response)).toMatch(/exp/);
  });

  it('a code the provider refuses at its token endpoint', async () => {
    provider.tamperNextTokenResponse((response) => {
      response.statusCode = 400;
      response.body = { error: 'invalid_grant', error_description: 'code already used' };
    });
    expect(await expectRefused((await callbackWith()).response)).toMatch(/invalid_grant/);
  });

  it('a person who declines at the provider', async () => {
    const { response } = await callbackWith((url) => {
      url.searchParams.delete('code');
      url.searchParams.set('error', 'access_denied');
    });
    expect(await expectRefused(response)).toMatch(/access_denied/);
  });

  it('an identity with no email', async () => {
    provider.identity = { sub: 'sub-refused' };
    provider.server.service.once('beforeUserinfo', (userinfo) => (userinfo.body = { sub: 'sub-refused' }));
    expect(await expectRefused((await callbackWith()).response)).toMatch(/email/);
  });

  it('an email the provider has not verified', async () => {
    provider.identity = { sub: 'sub-refused', email: 'unverified@example.com', email_verified: false };
    expect(await expectRefused((await callbackWith()).response)).toMatch(/verified/);
  });
});

describe('sessions end when they should', () => {
  it('logout ends the session at once and clears the cookie', async () => {
    const browser = await signedIn('sub-logout', 'logout@example.com');
    const id = browser.cookies(platform.baseUrl).get(SESSION_COOKIE)!;
    const logout = await browser.fetch(`${platform.baseUrl}/auth/logout`, { method: 'POST', headers: { origin: platform.baseUrl } });
    expect(logout.status).toBe(204);
    expect(browser.cookies(platform.baseUrl).has(SESSION_COOKIE)).toBe(false);
    expect((await platform.pool.query('SELECT 1 FROM sessions WHERE id_hash = $1', [sessionHash(id)])).rows).toHaveLength(0);
    // Even a copy of the cookie kept elsewhere is dead now.
    const replay = await fetch(`${platform.baseUrl}/api/me`, { headers: { cookie: `${SESSION_COOKIE}=${id}` } });
    expect(replay.status).toBe(401);
    expect(await errorCode(replay)).toBe('unauthenticated');
  });

  it('an expired session is refused on the next request', async () => {
    const browser = await signedIn('sub-expiring', 'expiring@example.com');
    expect((await me(browser)).status).toBe(200);
    const id = browser.cookies(platform.baseUrl).get(SESSION_COOKIE)!;
    await platform.pool.query(`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE id_hash = $1`, [sessionHash(id)]);
    const answer = await me(browser);
    expect(answer.status).toBe(401);
    expect(await errorCode(answer)).toBe('unauthenticated');
  });

  it('a made-up session id is 401', async () => {
    const answer = await fetch(`${platform.baseUrl}/api/me`, { headers: { cookie: `${SESSION_COOKIE}=made-up` } });
    expect(answer.status).toBe(401);
    expect(await errorCode(answer)).toBe('unauthenticated');
  });
});
