import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { loadAllImages } from './support/browser.ts';
import { galleryTile, jobCard, submitJob, waitUntilDone } from './support/createPage.ts';
import { WebPlatform } from './support/webPlatform.ts';

// A person makes a picture, varies it from its card, then opens it in the lightbox and takes
// its prompt back into the form.

const screenshots = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
const prompt = 'A quiet fjord under a pale green sky';

let web: WebPlatform;
let page: Page;

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  web = await WebPlatform.start({ workers: 1 });
  ({ page } = await web.signIn({ sub: 'iterate-person', email: 'grace@example.com', name: 'Grace Hopper' }));
}, WebPlatform.startTimeout);
afterAll(async () => web?.stop());

describe('iterating on a result in the web app', () => {
  it('varies a finished picture from its card: a second job of the same prompt appears', async () => {
    const card = await submitJob(page, 'image', prompt, { width: 256, height: 192, steps: 4 });
    await waitUntilDone(card);
    await card.getByRole('button', { name: 'Vary subtly' }).click();
    await expect.poll(() => jobCard(page, prompt).count(), { timeout: 10_000 }).toBe(2);
    await waitUntilDone(jobCard(page, prompt).first());
  });

  it('offers vary, upscale, animate and use prompt in the lightbox, and Use prompt fills the form (screenshot)', async () => {
    await page.getByRole('link', { name: 'Gallery' }).click();
    await galleryTile(page, prompt).last().getByRole('button').click();
    const dialog = page.getByRole('dialog');
    for (const name of ['Vary', 'Vary subtly', 'Upscale ×2', 'Animate', 'Use prompt']) await dialog.getByRole('button', { name, exact: true }).waitFor();
    await dialog.locator('img.media.is-loaded').waitFor();
    await loadAllImages(page);
    // The picture fills the lightbox: its actions are below it, where a person scrolls.
    await dialog.getByRole('button', { name: 'Use prompt' }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${screenshots}web-result-actions.png` });

    await dialog.getByRole('button', { name: 'Use prompt' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => page.getByRole('textbox', { name: 'Prompt', exact: true }).inputValue()).toBe(prompt);
    await expect(page.title()).resolves.toBe('Create · Atelier');
  });
});
