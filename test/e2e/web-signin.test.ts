import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, ConsoleMessage } from 'playwright-core';
import { describeConsole, launchBrowser, watchProblems } from './support/browser.ts';
import { startStaticServer } from './support/staticServer.ts';
import type { StaticServer } from './support/staticServer.ts';

// The built web app served alone, before the API serves it: the app must land on a clear
// sign-in screen whether the API is missing (404) or says "signed out" (401), and never crash.

const dist = fileURLToPath(new URL('../../apps/web/dist', import.meta.url));
const screenshots = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

/** Chrome logs every failed request as a console error; those for /api are what these tests set up. */
const unexpected = (messages: ConsoleMessage[]) =>
  describeConsole(messages.filter((message) => !(message.text().startsWith('Failed to load resource') && new URL(message.location().url).pathname.startsWith('/api/'))));

describe('web app served statically (no API)', () => {
  let missingApi: StaticServer;
  let signedOut: StaticServer;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(`${dist}/index.html`)) throw new Error('apps/web/dist is missing: run `npm run build -w @atelier/web` first');
    mkdirSync(screenshots, { recursive: true });
    const mounts = [{ prefix: '/app/', dir: dist, spaFallback: true }];
    missingApi = await startStaticServer(mounts);
    signedOut = await startStaticServer(mounts, (req, res) => {
      if (!req.url?.startsWith('/api/')) return false;
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'unauthenticated', message: 'Sign in or send a valid API key.' } }));
      return true;
    });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await missingApi?.close();
    await signedOut?.close();
  });

  it('shows the sign-in screen with a readable error when the API answers 404', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const problems = watchProblems(page);
    await page.goto(`${missingApi.url}/app/`);

    await page.getByRole('heading', { name: 'Sign in to Atelier' }).waitFor();
    const alert = page.getByRole('alert');
    await expect(alert.textContent()).resolves.toMatch(/could not check whether you are signed in.*HTTP 404/);
    await expect(alert.textContent()).resolves.not.toMatch(/[{}<]/); // no raw JSON or markup
    expect(await page.locator('a[href="/auth/google"]').count()).toBeGreaterThanOrEqual(2);

    await page.getByRole('button', { name: 'Try again' }).click();
    await page.getByRole('button', { name: 'Try again' }).waitFor();

    expect(problems.pageErrors.map(String)).toEqual([]);
    expect(unexpected(problems.consoleErrors)).toEqual([]);
    await page.screenshot({ path: `${screenshots}web-signin-no-api.png`, fullPage: true });
    await page.close();
  });

  it('shows the plain sign-in screen when signed out, on any app route', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const problems = watchProblems(page);
    await page.goto(`${signedOut.url}/app/gallery?kind=video`);

    await page.getByRole('heading', { name: 'Sign in to Atelier' }).waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    await expect(page.title()).resolves.toBe('Sign in · Atelier');
    const signIn = page.getByRole('link', { name: 'Continue with Google' });
    await expect(signIn.getAttribute('href')).resolves.toBe('/auth/google');

    // Keyboard: the first Tab lands on the skip link, and focus is visible.
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Skip to content');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).not.toBe('none');

    expect(problems.pageErrors.map(String)).toEqual([]);
    expect(unexpected(problems.consoleErrors)).toEqual([]);
    await page.screenshot({ path: `${screenshots}web-signin.png`, fullPage: true });
    await page.close();
  });

  it('fits a phone screen', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    await page.goto(`${signedOut.url}/app/`);
    await page.getByRole('heading', { name: 'Sign in to Atelier' }).waitFor();
    // A phone widens its layout viewport to fit content that is too wide: compare with the screen.
    const width = await page.evaluate(() => ({ layout: window.innerWidth, content: document.documentElement.scrollWidth }));
    expect(width).toEqual({ layout: 390, content: 390 });
    await page.screenshot({ path: `${screenshots}web-signin-phone.png` });
    await page.close();
  });
});
