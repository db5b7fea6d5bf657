import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, TestPlatform } from '../support/platform.ts';
import { Browser } from './support/browser.ts';
import { CLIENT_ID, CLIENT_SECRET, MockProvider } from './support/mockProvider.ts';
import { countSessions } from './support/session.ts';
import { authorize, errorCode, LOGIN_COOKIE, signIn, startLogin } from './support/signIn.ts';

let providerPort: number;
let provider: MockProvider | null = null;
let platform: TestPlatform;

beforeAll(async () => {
  // The API is pointed at a port where no provider listens yet (the mock names itself localhost).
  providerPort = await freePort();
  platform = await TestPlatform.start({ OIDC_ISSUER_URL: `http://localhost:${providerPort}`, OIDC_CLIENT_ID: CLIENT_ID, OIDC_CLIENT_SECRET: CLIENT_SECRET });
});
afterAll(async () => {
  await platform?.stop();
  await provider?.stop();
});

async function expectUnavailable(response: Response) {
  expect(response.status).toBe(502);
  const body = (await response.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe('auth_provider_unavailable');
  expect(body.error.message).toMatch(/did not answer/);
}

describe('a sign-in provider that is down', () => {
  it('is 502 auth_provider_unavailable at the start of sign-in, and the API keeps serving', async () => {
    const browser = new Browser();
    await expectUnavailable(await browser.fetch(`${platform.baseUrl}/auth/google`));
    expect(browser.lastCookie(LOGIN_COOKIE)).toBeUndefined();
    expect((await fetch(`${platform.baseUrl}/healthz`)).status).toBe(200);
    // Asked again, it is tried again (a failed discovery is not cached), and still fails cleanly.
    await expectUnavailable(await browser.fetch(`${platform.baseUrl}/auth/google`));
  });

  it('is found once it comes up: discovery is lazy', async () => {
    provider = await MockProvider.start(providerPort);
    provider.identity = { sub: 'sub-late', email: 'late@example.com', email_verified: true };
    const callback = await signIn(new Browser(), platform.baseUrl);
    expect(callback.status).toBe(302);
  });

  it('is 502 at the callback when it goes down between the redirect and the code exchange, with no session', async () => {
    const browser = new Browser();
    const callback = await authorize(browser, await startLogin(browser, platform.baseUrl), platform.baseUrl);
    const before = await countSessions(platform.pool);
    await provider!.stop();
    try {
      await expectUnavailable(await browser.fetch(callback.href));
      expect(await countSessions(platform.pool)).toBe(before);
    } finally {
      provider = await MockProvider.start(providerPort);
    }
  });

  it('is 502 when its token endpoint answers 5xx', async () => {
    provider!.identity = { sub: 'sub-5xx', email: 'five@example.com', email_verified: true };
    provider!.tamperNextTokenResponse((response) => {
      response.statusCode = 503;
      response.body = { error: 'temporarily_unavailable' };
    });
    await expectUnavailable(await signIn(new Browser(), platform.baseUrl));
  });
});

describe('a server with no sign-in configured', () => {
  let bare: TestPlatform;
  beforeAll(async () => {
    bare = await TestPlatform.start();
  });
  afterAll(async () => bare?.stop());

  it('answers 501 auth_not_configured, and API keys still work', async () => {
    const response = await fetch(`${bare.baseUrl}/auth/google`, { redirect: 'manual' });
    expect(response.status).toBe(501);
    expect(await errorCode(response)).toBe('auth_not_configured');
    const user = await bare.createUser();
    expect((await fetch(`${bare.baseUrl}/api/me`, { headers: user.headers })).status).toBe(200);
  });
});
