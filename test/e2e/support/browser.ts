import { chromium } from 'playwright-core';
import type { Browser, ConsoleMessage, Page } from 'playwright-core';

/** Debian's Chromium, headless; no browser is ever downloaded. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface PageProblems {
  consoleErrors: ConsoleMessage[];
  pageErrors: Error[];
}

/** Collect console errors and uncaught exceptions of a page from now on. */
export function watchProblems(page: Page): PageProblems {
  const problems: PageProblems = { consoleErrors: [], pageErrors: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') problems.consoleErrors.push(message);
  });
  page.on('pageerror', (error) => problems.pageErrors.push(error));
  return problems;
}

export const describeConsole = (messages: ConsoleMessage[]): string[] => messages.map((message) => `${message.text()} @ ${message.location().url}`);

/**
 * Scroll to the end in viewport steps so lazy images start loading, then wait until every
 * image has loaded (or failed, which the caller's checks will catch).
 */
export async function loadAllImages(page: Page): Promise<void> {
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  const step = page.viewportSize()?.height ?? 800;
  for (let y = 0; y < height; y += step) {
    await page.evaluate((top) => window.scrollTo(0, top), y);
    await page.waitForTimeout(60);
  }
  await page.waitForFunction(() => Array.from(document.images).every((img) => img.complete), undefined, { timeout: 15_000 });
  await page.evaluate(() => window.scrollTo(0, 0));
}
