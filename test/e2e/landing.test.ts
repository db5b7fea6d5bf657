import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { builtInCatalog, plans } from '@atelier/contracts';
import { TestPlatform } from '../support/platform.ts';
import { describeConsole, launchBrowser, loadAllImages, watchProblems } from './support/browser.ts';
import { BUILD_TIMEOUT_MS, ensureBuilt } from './support/builds.ts';

const screenshots = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
const JS_BUDGET = 20 * 1024;

describe('landing page, served by the API at /', () => {
  let platform: TestPlatform;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    await ensureBuilt('landing');
    platform = await TestPlatform.start();
    browser = await launchBrowser();
  }, BUILD_TIMEOUT_MS + 30_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('loads with no console errors, under the JS budget, and every image sized', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const problems = watchProblems(page);
    const failed: string[] = [];
    const scripts: Promise<number>[] = [];
    page.on('response', (response) => {
      if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
      if (response.request().resourceType() === 'script') scripts.push(response.body().then((body) => body.length));
    });
    page.on('requestfailed', (request) => failed.push(`failed ${request.url()}`));

    await page.goto(`${platform.baseUrl}/`, { waitUntil: 'load' });
    await loadAllImages(page);

    const inlineScriptBytes = await page.evaluate(() =>
      Array.from(document.scripts).reduce((sum, script) => sum + (script.src ? 0 : (script.textContent?.length ?? 0)), 0),
    );
    const scriptBytes = (await Promise.all(scripts)).reduce((sum, bytes) => sum + bytes, 0);
    expect(scriptBytes + inlineScriptBytes).toBeLessThan(JS_BUDGET);

    const images = await page.$$eval('img', (nodes) =>
      nodes.map((img) => ({
        src: img.currentSrc || img.src,
        width: img.getAttribute('width'),
        height: img.getAttribute('height'),
        loading: img.getAttribute('loading'),
        priority: img.getAttribute('fetchpriority'),
        srcset: img.getAttribute('srcset'),
        sizes: img.getAttribute('sizes'),
        alt: img.getAttribute('alt'),
        loaded: img.complete && img.naturalWidth > 0,
      })),
    );
    expect(images.length).toBeGreaterThan(0);
    for (const image of images) {
      expect(image.width, image.src).toMatch(/^\d+$/);
      expect(image.height, image.src).toMatch(/^\d+$/);
      expect(image.alt, image.src).not.toBeNull();
      expect(image.loaded, image.src).toBe(true);
      if (image.srcset) expect(image.sizes, image.src).toBeTruthy();
      // Only the hero (the largest paint) loads eagerly; everything else waits until near view.
      if (image.priority !== 'high') expect(image.loading, image.src).toBe('lazy');
    }
    expect(images.filter((image) => image.priority === 'high')).toHaveLength(1);

    expect(failed).toEqual([]);
    expect(describeConsole(problems.consoleErrors)).toEqual([]);
    expect(problems.pageErrors.map(String)).toEqual([]);

    await page.screenshot({ path: `${screenshots}landing.png`, fullPage: true });
    await page.close();
  });

  it('shows the product, the plans from the contracts and a sign-in link', async () => {
    const page = await browser.newPage();
    await page.goto(`${platform.baseUrl}/`);
    await expect(page.locator('h1').textContent()).resolves.toMatch(/Type a sentence/);
    expect(await page.locator('a[href="/auth/google"]').count()).toBeGreaterThan(0);
    const pricing = (await page.locator('#pricing').textContent()) ?? '';
    expect(pricing).toContain(plans.free.label);
    expect(pricing).toContain(plans.pro.label);
    expect(pricing).toContain(`$${plans.pro.priceUsdMonthly}`);
    expect(pricing).toContain(plans.pro.monthlyCredits.toLocaleString('en-US'));

    // "What you can make" says what each built-in model does, and shows nothing it did not make:
    // no picture, and no play button that plays nothing.
    const examples = page.locator('#examples');
    const listed = builtInCatalog().visible();
    await expect(examples.locator('.model-name').allTextContents()).resolves.toEqual(listed.map((model) => model.name));
    await expect(examples.locator('.model-description').allTextContents()).resolves.toEqual(listed.map((model) => model.description));
    await expect(examples.locator('img, .play, svg').count()).resolves.toBe(0);
    await page.close();
  });

  it('fits a phone screen without sideways scrolling', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const problems = watchProblems(page);
    await page.goto(`${platform.baseUrl}/`);
    await loadAllImages(page);
    // A phone widens its layout viewport to fit content that is too wide: compare with the screen.
    const width = await page.evaluate(() => ({ layout: window.innerWidth, content: document.documentElement.scrollWidth }));
    expect(width).toEqual({ layout: 390, content: 390 });
    const signIn = page.locator('header a[href="/auth/google"]');
    await expect(signIn.isVisible()).resolves.toBe(true);
    const box = await signIn.boundingBox();
    expect(box?.height ?? 0).toBeGreaterThanOrEqual(32); // a comfortable tap target
    expect(describeConsole(problems.consoleErrors)).toEqual([]);
    await page.screenshot({ path: `${screenshots}landing-phone.png`, fullPage: true });
    await page.close();
  });
});
