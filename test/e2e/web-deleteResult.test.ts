import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeConsole, watchProblems } from './support/browser.ts';
import { galleryTile, jobCard, submitJob, waitUntilDone } from './support/createPage.ts';
import { WebPlatform } from './support/webPlatform.ts';

// A result deleted from the gallery is gone everywhere: its Done card leaves the create page
// at once and stays gone when the page is loaded again (no Download that would answer 404).

let web: WebPlatform;
let page: Page;

beforeAll(async () => {
  web = await WebPlatform.start({ workers: 1 });
  ({ page } = await web.signIn({ sub: 'tidy-person', email: 'tidy@example.com', name: 'Tidy' }));
}, WebPlatform.startTimeout);
afterAll(async () => web?.stop());

describe('deleting a result', () => {
  it('takes its card off the create page, before and after the page is loaded again', async () => {
    const problems = watchProblems(page);
    const kept = 'A lighthouse at dusk';
    const deleted = 'A kite stuck in a tree';
    for (const prompt of [kept, deleted]) await submitJob(page, 'image', prompt, { width: 128, height: 128, steps: 2 });
    for (const prompt of [kept, deleted]) await waitUntilDone(jobCard(page, prompt));

    await page.getByRole('link', { name: 'Gallery' }).click();
    await galleryTile(page, deleted).getByRole('button').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await dialog.getByRole('button', { name: 'Delete for good' }).click();
    await dialog.waitFor({ state: 'detached' });
    await galleryTile(page, deleted).waitFor({ state: 'detached' });

    await page.getByRole('link', { name: 'Create', exact: true }).click();
    await jobCard(page, kept).getByRole('link', { name: 'Download' }).waitFor();
    await expect.poll(() => jobCard(page, deleted).count()).toBe(0);
    const again = await page.context().newPage();
    // Loaded again, the page is revalidated (a 304), and the jobs come from the server.
    const reloadProblems = watchProblems(again);
    await again.goto(`${web.baseUrl}/app/`);
    await jobCard(again, kept).waitFor();
    await expect(jobCard(again, deleted).count()).resolves.toBe(0);

    for (const { consoleErrors, pageErrors } of [problems, reloadProblems]) {
      expect(describeConsole(consoleErrors)).toEqual([]);
      expect(pageErrors.map(String)).toEqual([]);
    }
  });
});
