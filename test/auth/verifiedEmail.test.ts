import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '@atelier/db';
import { TestPlatform } from '../support/platform.ts';
import { Browser } from './support/browser.ts';
import { MockProvider } from './support/mockProvider.ts';
import { countSessions } from './support/session.ts';
import { authorize, errorCode, signIn, signInAs, startLogin } from './support/signIn.ts';

const ADMIN = 'boss@example.com';
let provider: MockProvider;
let platform: TestPlatform;

beforeAll(async () => {
  provider = await MockProvider.start();
  platform = await TestPlatform.start({ ...provider.env(), ADMIN_EMAILS: ADMIN });
});
afterAll(async () => {
  await platform?.stop();
  await provider?.stop();
});

const usersWithEmail = async (email: string) =>
  (await platform.pool.query('SELECT id, oidc_subject, credits FROM users WHERE lower(email) = lower($1)', [email])).rows;

describe('only an email the provider verifies (the boolean true) signs in', () => {
  const unverified: Array<[string, { email_verified?: boolean | string }]> = [
    ['omits email_verified', {}],
    ['sends the string "true"', { email_verified: 'true' }],
    ['sends the string "false"', { email_verified: 'false' }],
    ['sends false', { email_verified: false }],
  ];

  it.each(unverified)('refuses a provider that %s, even for an admin email: no user, no session, no admin API', async (_how, claim) => {
    const sessionsBefore = await countSessions(platform.pool);
    provider.identity = { sub: `sub-unverified-${Math.random()}`, email: ADMIN, ...claim };
    if (!('email_verified' in claim)) delete provider.identity.email_verified;
    const browser = new Browser();
    const callback = await signIn(browser, platform.baseUrl);
    expect(callback.status).toBe(401);
    expect(await errorCode(callback)).toBe('auth_failed');
    expect(await usersWithEmail(ADMIN)).toHaveLength(0);
    expect(await countSessions(platform.pool)).toBe(sessionsBefore);
    expect((await browser.fetch(`${platform.baseUrl}/api/admin/queue`)).status).toBe(401);
  });

  it('lets the verified admin in, admin API and all', async () => {
    const { browser } = await signInAs(provider, platform.baseUrl, { sub: 'sub-boss', email: ADMIN, email_verified: true });
    expect((await browser.fetch(`${platform.baseUrl}/api/admin/queue`)).status).toBe(200);
  });
});

describe('an account the operator made (atelier users create)', () => {
  it('is claimed by the first verified sign-in with its email, credits and all', async () => {
    const made = await createUser(platform.pool, { email: 'made@example.com', plan: 'pro', credits: 777 });
    const { cookie, userId } = await signInAs(provider, platform.baseUrl, { sub: 'sub-made', email: 'Made@Example.com', email_verified: true });
    expect(userId).toBe(made.id);
    expect(await usersWithEmail('made@example.com')).toEqual([{ id: made.id, oidc_subject: 'sub-made', credits: 777 }]);
    const me = (await (await fetch(`${platform.baseUrl}/api/me`, { headers: { cookie } })).json()) as { plan: string; credits: number };
    expect(me).toMatchObject({ plan: 'pro', credits: 777 });
  });

  it('once claimed, refuses another login with the same email: a page for a browser, JSON for anything else', async () => {
    await signInAs(provider, platform.baseUrl, { sub: 'sub-first', email: 'taken@example.com', email_verified: true });
    const sessionsBefore = await countSessions(platform.pool);
    provider.identity = { sub: 'sub-second', email: 'taken@example.com', email_verified: true };

    const browser = new Browser();
    const callback = await authorize(browser, await startLogin(browser, platform.baseUrl), platform.baseUrl);
    const page = await browser.fetch(callback.href, { headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' } });
    expect(page.status).toBe(409);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('taken@example.com already belongs to an account');
    expect(html).toContain('href="/auth/google"');

    provider.identity = { sub: 'sub-third', email: 'taken@example.com', email_verified: true };
    const json = await signIn(new Browser(), platform.baseUrl);
    expect(json.status).toBe(409);
    expect(await errorCode(json)).toBe('email_in_use');
    expect(await usersWithEmail('taken@example.com')).toEqual([expect.objectContaining({ oidc_subject: 'sub-first' })]);
    expect(await countSessions(platform.pool)).toBe(sessionsBefore);
  });

  it('escapes what the page shows', async () => {
    await signInAs(provider, platform.baseUrl, { sub: 'sub-html-1', email: '"<b>x</b>"@example.com', email_verified: true });
    provider.identity = { sub: 'sub-html-2', email: '"<b>x</b>"@example.com', email_verified: true };
    const browser = new Browser();
    const callback = await authorize(browser, await startLogin(browser, platform.baseUrl), platform.baseUrl);
    const html = await (await browser.fetch(callback.href, { headers: { accept: 'text/html' } })).text();
    expect(html).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(html).not.toContain('<b>x</b>');
  });
});
