import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { TestPlatform } from '../support/platform.ts';
import { describeConsole, launchBrowser, watchProblems } from './support/browser.ts';

let platform: TestPlatform;
let browser: Browser;

beforeAll(async () => {
  platform = await TestPlatform.start();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

describe('the API reference at /api/docs', () => {
  it('renders every route from this API alone, with no request to another host and no CSP violation', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
    const problems = watchProblems(page);
    const elsewhere: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(platform.baseUrl) && !request.url().startsWith('data:')) elsewhere.push(request.url());
    });
    await page.goto(`${platform.baseUrl}/api/docs`);
    await page.getByText('Submit a job').first().waitFor();
    expect(await page.locator('.opblock').count()).toBeGreaterThan(30);
    await page.getByText('Submit a job').first().click();
    await page.getByText('prefer_wait_invalid').first().waitFor();
    await page.screenshot({ path: 'docs/screenshots/api-docs.png' });
    expect(elsewhere).toEqual([]);
    expect(describeConsole(problems.consoleErrors)).toEqual([]);
    expect(problems.pageErrors).toEqual([]);
  });
});
