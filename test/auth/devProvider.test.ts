import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevOidcProvider, type DevOidcProvider } from '../../apps/cli/src/embedded/devOidcProvider.ts';
import { freePort, TestPlatform } from '../support/platform.ts';
import { Browser } from './support/browser.ts';
import { submitProviderForm } from './support/providerForm.ts';
import { SESSION_COOKIE, startLogin } from './support/signIn.ts';

let provider: DevOidcProvider;
let platform: TestPlatform;
/** The API's address; not `apiUrl`, since the port here is chosen before the platform starts. */
let apiUrl: string;

beforeAll(async () => {
  // The provider must know the callback before the API starts, so the API's port is chosen first.
  const port = await freePort();
  provider = await startDevOidcProvider({ redirectUri: `http://127.0.0.1:${port}/auth/google/callback`, nodeEnv: 'development' });
  apiUrl = `http://127.0.0.1:${port}`;
  platform = await TestPlatform.start({ ...provider.env, PORT: String(port), PUBLIC_URL: apiUrl });
});
afterAll(async () => {
  await platform?.stop();
  await provider?.close();
});

describe('the development OpenID provider of `atelier up`', () => {
  it('lets a person sign in with any email through the same code flow', async () => {
    const browser = new Browser();
    const authorizeUrl = await startLogin(browser, apiUrl);
    expect(authorizeUrl.origin).toBe(provider.issuer);

    // The provider shows its login page, then its consent page; each is a form to submit.
    const isCallback = (url: URL) => url.pathname === '/auth/google/callback';
    let step = await browser.follow(authorizeUrl.href, isCallback);
    expect(step.response.status).toBe(200);
    step = await browser.follow(step.url, isCallback, {});
    const loginPage = await step.response.text();
    expect(loginPage).toContain('name="login"');
    let answer = await submitProviderForm(browser, step.url, loginPage, { login: 'dev.person@example.com', password: 'anything' });
    step = await browser.follow(new URL(answer.headers.get('location')!, step.url).href, isCallback);
    if (!isCallback(new URL(step.url))) {
      const consentPage = await step.response.text();
      expect(consentPage).toContain('value="consent"');
      answer = await submitProviderForm(browser, step.url, consentPage, {});
      step = await browser.follow(new URL(answer.headers.get('location')!, step.url).href, isCallback);
    }
    expect(new URL(step.url).pathname).toBe('/auth/google/callback');

    const callback = await browser.fetch(step.url);
    expect(callback.status, await callback.clone().text()).toBe(302);
    expect(callback.headers.get('location')).toBe('/app');
    expect(browser.cookies(apiUrl).get(SESSION_COOKIE)).toBeTruthy();

    const me = await browser.fetch(`${apiUrl}/api/me`);
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ email: 'dev.person@example.com', name: 'dev.person', plan: 'free', credits: 100 });
  });

  it('refuses to start with NODE_ENV=production', async () => {
    await expect(startDevOidcProvider({ redirectUri: 'http://127.0.0.1:1/auth/google/callback', nodeEnv: 'production' })).rejects.toThrow(/production/);
  });
});
