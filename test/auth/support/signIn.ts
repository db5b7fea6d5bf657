import { expect } from 'vitest';
import { Browser } from './browser.ts';
import type { Identity, MockProvider } from './mockProvider.ts';

export const SESSION_COOKIE = 'atelier_session';
export const LOGIN_COOKIE = 'atelier_login';

/** `GET /auth/google`: the provider's authorization URL the API redirects to. */
export async function startLogin(browser: Browser, baseUrl: string): Promise<URL> {
  const response = await browser.fetch(`${baseUrl}/auth/google`);
  expect(response.status, await bodyText(response)).toBe(302);
  return new URL(response.headers.get('location')!);
}

/** The provider signs the person in and sends the browser back: the callback URL, moved onto the API's real address. */
export async function authorize(browser: Browser, authorizeUrl: URL, baseUrl: string): Promise<URL> {
  const response = await browser.fetch(authorizeUrl.href);
  expect(response.status).toBe(302);
  const callback = new URL(response.headers.get('location')!);
  const onApi = new URL(callback.pathname + callback.search, baseUrl);
  return onApi;
}

/** The whole flow; returns the callback's response (302 to /app on success). */
export async function signIn(browser: Browser, baseUrl: string): Promise<Response> {
  const callback = await authorize(browser, await startLogin(browser, baseUrl), baseUrl);
  return browser.fetch(callback.href);
}

export async function bodyText(response: Response): Promise<string> {
  return response.bodyUsed ? '' : response.clone().text();
}

export async function errorCode(response: Response): Promise<string> {
  return ((await response.json()) as { error: { code: string } }).error.code;
}

/** A person signed in through the provider as `identity`: their browser and session cookie. */
export async function signInAs(provider: MockProvider, baseUrl: string, identity: Identity): Promise<{ browser: Browser; cookie: string; userId: string }> {
  provider.identity = { email_verified: true, ...identity };
  const browser = new Browser();
  const callback = await signIn(browser, baseUrl);
  expect(callback.status, await bodyText(callback)).toBe(302);
  const [name, value] = [...browser.cookies(baseUrl)].find(([cookieName]) => cookieName.endsWith(SESSION_COOKIE))!;
  const cookie = `${name}=${value}`;
  const me = await fetch(`${baseUrl}/api/me`, { headers: { cookie } });
  const { id } = (await me.json()) as { id: string };
  return { browser, cookie, userId: id };
}
