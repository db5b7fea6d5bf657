import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { describeConsole, loadAllImages, watchProblems, type PageProblems } from './support/browser.ts';
import { canvasIsDrawn, galleryTile, jobCard, submitJob, waitUntilDone } from './support/createPage.ts';
import { pageRecord } from './support/pageRecorder.ts';
import { WebPlatform } from './support/webPlatform.ts';

// One person signs in through the provider and makes an image, a video and a voice clip in the
// real app, served by the real API, run by real worker processes. Small sizes keep it quick.

const screenshots = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
const prompts = {
  image: 'A lighthouse on a basalt cliff at dusk, warm window light',
  video: 'Slow pan across misty pine ridges at sunrise',
  voice: 'Welcome to Atelier. Type a prompt, and watch it take shape.',
  long: 'A long pan over snowy mountains under an aurora',
};

const morePictures = [
  'A red kite over green hills in spring',
  'A harbour town at blue hour, boats and lanterns',
  'Desert dunes under a violet sky',
  'A waterfall in a mossy canyon',
];

/** Every image loaded (lazy ones too) and every fade-in finished: a screenshot shows the real thing. */
async function settled(page: Page): Promise<void> {
  await loadAllImages(page);
  await page.waitForFunction(() => document.getAnimations().every((animation) => animation.playState === 'finished'));
}

let web: WebPlatform;
let page: Page;
let problems: PageProblems;

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  web = await WebPlatform.start({ workers: 1 });
  ({ page } = await web.signIn({ sub: 'media-person', email: 'ada@example.com', name: 'Ada Lovelace' }, { from: 'landing' }));
  problems = watchProblems(page);
}, WebPlatform.startTimeout);
afterAll(async () => web?.stop());

describe('the web app against the real API and workers', () => {
  it('signs in from the landing page through the provider and shows the account', async () => {
    await expect(page.locator('.who-name').textContent()).resolves.toBe('Ada Lovelace');
    await expect(page.locator('.balance').textContent()).resolves.toBe('100 credits');
    await expect(page.title()).resolves.toBe('Create · Atelier');
  });

  it('offers the models of each kind, with price and availability, and the card names the model (screenshot)', async () => {
    const option = page.locator('.model-option', { has: page.locator('input[value="atelier/landscape-sketch"]') });
    await option.waitFor();
    expect(await option.locator('input').isChecked()).toBe(true);
    expect(await option.locator('.model-name').textContent()).toBe('Landscape sketch (procedural, no AI)');
    await expect.poll(() => option.textContent(), { timeout: 20_000 }).toContain('Available now');
    expect(await option.textContent()).toContain('1 + 4 per megapixel credits');
    await page.locator('form.create').screenshot({ path: `${screenshots}web-model-picker.png` });
  });

  it('makes an image: the BlurHash is painted before the image loads, then the image', async () => {
    const card = await submitJob(page, 'image', prompts.image, { width: 384, height: 256, steps: 12 });
    await waitUntilDone(card);
    expect(await card.locator('.job-model').textContent()).toBe('Landscape sketch (procedural, no AI)');
    const image = card.locator('img.media.is-loaded');
    await image.waitFor();
    expect(await image.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight])).toEqual([384, 256]);
    expect(await canvasIsDrawn(card.locator('canvas.blurhash'))).toBe(true);

    const record = await pageRecord(page);
    const drawn = record.draws.find((draw) => draw.where === prompts.image);
    const loaded = record.loads.find((load) => load.where === prompts.image && load.tag === 'img' && load.type === 'load');
    expect(drawn, 'the card drew a BlurHash').toBeDefined();
    expect(loaded, 'the card loaded the image').toBeDefined();
    expect(drawn!.t).toBeLessThan(loaded!.t);
    // The balance follows: 100 less the job's cost, read from the card.
    const cost = Number((await card.locator('.job-cost').textContent())!.split(' ')[0]);
    await expect.poll(() => page.locator('.balance').textContent()).toBe(`${100 - cost} credits`);
  });

  it('makes a video: the first frame shows before the video can play, then it plays', async () => {
    const card = await submitJob(page, 'video', prompts.video, { seconds: 1, fps: 12, width: 320, height: 240 });
    await card.getByRole('img', { name: `First frame of: ${prompts.video}` }).waitFor();
    await waitUntilDone(card);
    const video = card.locator('video');
    await video.waitFor();
    const playing = await video.evaluate(async (node: HTMLVideoElement) => {
      node.muted = true;
      await node.play();
      const start = node.currentTime;
      await new Promise<void>((resolve) => {
        const check = () => (node.currentTime > start ? resolve() : requestAnimationFrame(check));
        check();
      });
      return { readyState: node.readyState, duration: node.duration, currentTime: node.currentTime, width: node.videoWidth };
    });
    expect(playing.readyState).toBeGreaterThanOrEqual(2);
    expect(playing.duration).toBeGreaterThan(0.5);
    expect(playing.currentTime).toBeGreaterThan(0);
    expect(playing.width).toBe(320);

    const record = await pageRecord(page);
    const firstFrame = record.loads.find((load) => load.where === prompts.video && load.tag === 'img' && load.type === 'load');
    const playable = record.loads.find((load) => load.where === prompts.video && load.tag === 'video' && load.type === 'loadeddata');
    expect(firstFrame, 'the first frame loaded').toBeDefined();
    expect(playable, 'the video loaded its data').toBeDefined();
    expect(firstFrame!.t).toBeLessThan(playable!.t);
  });

  it('makes a voice clip: the player loads the audio and knows its duration', async () => {
    const card = await submitJob(page, 'voice', prompts.voice);
    await waitUntilDone(card);
    const audio = card.locator('audio');
    await audio.waitFor();
    await expect.poll(() => audio.evaluate((node: HTMLAudioElement) => node.duration), { timeout: 10_000 }).toBeGreaterThan(1);
    expect(await card.locator('svg.waveform rect').count()).toBeGreaterThan(10);
    await expect(card.getByRole('link', { name: 'Download' }).getAttribute('download')).resolves.toMatch(/^atelier-welcome-to-atelier.*\.mp3$/);
  });

  it('shows a job in progress with its placeholder and moving percent (screenshot)', async () => {
    const card = await submitJob(page, 'video', prompts.long, { seconds: 4, fps: 24, width: 640, height: 360 });
    await card.getByRole('img', { name: `First frame of: ${prompts.long}` }).waitFor();
    const bar = card.getByRole('progressbar');
    await expect.poll(() => bar.getAttribute('aria-valuenow').then(Number), { timeout: 20_000 }).toBeGreaterThanOrEqual(30);
    await page.getByRole('heading', { name: 'Recent jobs' }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${screenshots}web-create.png`, fullPage: true });
    await waitUntilDone(card);

    const percents = (await pageRecord(page)).percents.filter((p) => p.where === prompts.long).map((p) => p.value);
    expect(percents.length).toBeGreaterThan(3);
    expect(percents).toEqual([...new Set(percents)].sort((a, b) => a - b));
  });

  it('lists everything in the gallery, each picture over its BlurHash', async () => {
    // A few more pictures, so the gallery has rows to show.
    for (const prompt of morePictures) await submitJob(page, 'image', prompt, { width: 512, height: 384, steps: 12 });
    for (const prompt of morePictures) await waitUntilDone(jobCard(page, prompt));
    const since = await page.evaluate(() => performance.now());
    await page.getByRole('link', { name: 'Gallery' }).click();
    await page.getByRole('heading', { name: 'Gallery' }).waitFor();
    for (const prompt of [...Object.values(prompts), ...morePictures]) await galleryTile(page, prompt).waitFor();

    const tile = galleryTile(page, prompts.image);
    expect(await canvasIsDrawn(tile.locator('canvas.blurhash'))).toBe(true);
    await tile.locator('img.media.is-loaded').waitFor();
    const videoTile = galleryTile(page, prompts.video);
    expect(await canvasIsDrawn(videoTile.locator('canvas.blurhash'))).toBe(true);
    await videoTile.locator('img.media.is-loaded').waitFor(); // the poster
    await expect(galleryTile(page, prompts.voice).locator('svg.waveform').count()).resolves.toBe(1);

    const record = await pageRecord(page);
    expect(record.draws.filter((draw) => draw.t > since).map((draw) => draw.where)).toEqual(
      expect.arrayContaining([prompts.image, prompts.video, ...morePictures]),
    );
    await settled(page);
    await page.screenshot({ path: `${screenshots}web-gallery.png`, fullPage: true });

    // The image opens large, with its placeholder.
    await tile.getByRole('button').click();
    const dialog = page.getByRole('dialog');
    await dialog.locator('img.media.is-loaded').waitFor();
    expect(await canvasIsDrawn(dialog.locator('canvas.blurhash'))).toBe(true);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('steps through the gallery in the lightbox with the keyboard, beside what made each result', async () => {
    // The gallery is newest first: the last of morePictures opens, and → goes to older ones.
    await galleryTile(page, morePictures.at(-1)!).getByRole('button').click();
    const dialog = page.getByRole('dialog');
    const heading = dialog.getByRole('heading');
    const recipe = dialog.getByRole('definition');
    await expect(heading.textContent()).resolves.toBe(morePictures.at(-1));
    await dialog.getByText('seed', { exact: true }).waitFor();
    await expect(recipe.allTextContents()).resolves.toEqual(expect.arrayContaining(['512', '384', '12']));
    await expect(dialog.getByRole('button', { name: 'Previous result' }).isDisabled()).resolves.toBe(true);

    await page.keyboard.press('ArrowRight');
    await page.waitForFunction((last) => document.querySelector('dialog h2')?.textContent !== last, morePictures.at(-1));
    await expect(heading.textContent()).resolves.toBe(morePictures.at(-2));
    await page.keyboard.press('ArrowRight');
    await expect(heading.textContent()).resolves.toBe(morePictures.at(-3));
    await page.keyboard.press('ArrowLeft');
    await expect(heading.textContent()).resolves.toBe(morePictures.at(-2));
    await dialog.locator('img.media.is-loaded').waitFor();
    await settled(page);
    await page.screenshot({ path: `${screenshots}web-lightbox.png` });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('said nothing alarming on the console', () => {
    expect(describeConsole(problems.consoleErrors)).toEqual([]);
    expect(problems.pageErrors.map(String)).toEqual([]);
  });

  it('signs out back to the sign-in screen', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Atelier' }).waitFor();
    const me = await page.evaluate(() => fetch('/api/me').then((response) => response.status));
    expect(me).toBe(401);
  });
});
