import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevOidcProvider, type DevOidcProvider } from '../../apps/cli/src/embedded/devOidcProvider.ts';
import { freePort, TestPlatform } from '../support/platform.ts';
import { Browser } from './support/browser.ts';
import { submitProviderForm } from './support/providerForm.ts';
import { SESSION_COOKIE } from './support/signIn.ts';

/* As `atelier up` runs it: PUBLIC_URL names localhost; the person opened 127.0.0.1 (the address a log printed). */
let provider: DevOidcProvider;
let platform: TestPlatform;
let port: number;

beforeAll(async () => {
  port = await freePort();
  provider = await startDevOidcProvider({ redirectUri: `http://localhost:${port}/auth/google/callback`, nodeEnv: 'development' });
  platform = await TestPlatform.start({ ...provider.env, PORT: String(port), PUBLIC_URL: `http://localhost:${port}` });
});
afterAll(async () => {
  await platform?.stop();
  await provider?.close();
});

describe('signing in from 127.0.0.1 when PUBLIC_URL says localhost', () => {
  it('moves the person to localhost first, and the sign-in completes there with a session', async () => {
    const browser = new Browser();
    const isCallback = (url: URL) => url.pathname === '/auth/google/callback';
    let step = await browser.follow(`http://127.0.0.1:${port}/auth/google`, (url) => url.origin === provider.issuer);
    expect(step.url).toMatch(new RegExp(`^${provider.issuer}/`));
    expect(browser.cookies(`http://localhost:${port}`).size).toBe(1);

    step = await browser.follow(step.url, isCallback);
    for (let form = 0; form < 3 && !isCallback(new URL(step.url)); form++) {
      const page = await step.response.text();
      const fields: Record<string, string> = page.includes('name="login"') ? { login: 'first.hour@example.com', password: 'anything' } : {};
      const answer = await submitProviderForm(browser, step.url, page, fields);
      step = await browser.follow(new URL(answer.headers.get('location')!, step.url).href, isCallback);
    }
    expect(step.url.startsWith(`http://localhost:${port}/auth/google/callback`)).toBe(true);
    const callback = await browser.fetch(step.url);
    expect(callback.status, await callback.clone().text()).toBe(302);
    expect(browser.cookies(`http://localhost:${port}`).has(SESSION_COOKIE)).toBe(true);
    const me = await browser.fetch(`http://localhost:${port}/api/me`);
    expect(me.status).toBe(200);
    expect(((await me.json()) as { email: string }).email).toBe('first.hour@example.com');
  });

  it('the app page asked for on 127.0.0.1 moves to localhost too; the API answers on either', async () => {
    const page = await fetch(`http://127.0.0.1:${port}/app/gallery`, { redirect: 'manual' });
    expect(page.status).toBe(307);
    expect(page.headers.get('location')).toBe(`http://localhost:${port}/app/gallery`);
    expect((await fetch(`http://127.0.0.1:${port}/api/me`, { redirect: 'manual' })).status).toBe(401);
  });
});
