import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, ConsoleMessage } from 'playwright-core';
import { TestPlatform } from '../support/platform.ts';
import { describeConsole, launchBrowser, watchProblems } from './support/browser.ts';
import { BUILD_TIMEOUT_MS, ensureBuilt } from './support/builds.ts';
import { startStaticServer } from './support/staticServer.ts';
import type { StaticServer } from './support/staticServer.ts';

// Signed out, the app must land on a clear sign-in screen on any route and never crash: served
// by the real API (which answers 401), and served alone by a plain file server with no API
// behind it at all (404), as a misconfigured deployment would.

const dist = fileURLToPath(new URL('../../apps/web/dist', import.meta.url));
const screenshots = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

/** Chrome logs every failed request as a console error; those for /api are what these tests set up. */
const unexpected = (messages: ConsoleMessage[]) =>
  describeConsole(
    messages.filter((message) => !(message.text().startsWith('Failed to load resource') && new URL(message.location().url).pathname.startsWith('/api/'))),
  );

describe('web app, signed out', () => {
  let missingApi: StaticServer;
  let platform: TestPlatform;
  let browser: Browser;

  beforeAll(async () => {
    await ensureBuilt('web');
    mkdirSync(screenshots, { recursive: true });
    missingApi = await startStaticServer([{ prefix: '/app/', dir: dist, spaFallback: true }]);
    platform = await TestPlatform.start();
    browser = await launchBrowser();
  }, BUILD_TIMEOUT_MS + 30_000);

  afterAll(async () => {
    await browser?.close();
    await missingApi?.close();
    await platform?.stop();
  });

  it('shows the sign-in screen with a readable error when there is no API (404)', async () => {
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

  it('shows the plain sign-in screen when the API says signed out, on any app route', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const problems = watchProblems(page);
    await page.goto(`${platform.baseUrl}/app/gallery?kind=video`);

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
    await page.goto(`${platform.baseUrl}/app/`);
    await page.getByRole('heading', { name: 'Sign in to Atelier' }).waitFor();
    // A phone widens its layout viewport to fit content that is too wide: compare with the screen.
    const width = await page.evaluate(() => ({ layout: window.innerWidth, content: document.documentElement.scrollWidth }));
    expect(width).toEqual({ layout: 390, content: 390 });
    await page.screenshot({ path: `${screenshots}web-signin-phone.png` });
    await page.close();
  });
});
