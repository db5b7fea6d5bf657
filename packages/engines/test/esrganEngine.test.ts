import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { ImageParams, JobError } from '@atelier/contracts';
import { createEsrganEngine, createEsrganPool, type EngineContext, type EsrganScale } from '../src/index.ts';
import { loadEsrganModel } from '../src/upscale/esrganModel.ts';
import { differenceOf, edgeEnergy, psnr, rawRgbOf } from './support/pictureMetrics.ts';
import { recordingContext } from './support/recordingContext.ts';

const photo = await readFile(new URL('./fixtures/chelsea-cat.jpg', import.meta.url));
const original = await rawRgbOf(photo);
const pool = createEsrganPool({ threads: 2 });
afterAll(() => pool.close());

const params = ImageParams.parse({});
const imageOf = async (data: Buffer) => {
  const { width, height } = await sharp(data).metadata();
  return { data, contentType: 'image/png', width, height };
};
/** The photograph made `scale` times smaller, as the picture to upscale back. */
const shrunk = (scale: number) =>
  sharp(photo)
    .resize(original.width / scale, original.height / scale, { kernel: 'lanczos3' })
    .png()
    .toBuffer();
const upscale = async (scale: EsrganScale, input: Buffer, options: { tileSide?: number; ctx?: EngineContext } = {}) => {
  const engine = createEsrganEngine({ scale, pool, tileSide: options.tileSide });
  const [file] = await engine.generate({ prompt: '', params, inputs: { image: await imageOf(input) } }, options.ctx ?? recordingContext().ctx);
  return file!;
};

describe('ESRGAN upscaler, as a neural network on a real photograph', () => {
  it('brings back more of a ×4-shrunk photograph than lanczos3 does: closer pixels and edge energy', async () => {
    const small = await shrunk(4);
    const model = await rawRgbOf((await upscale(4, small)).data);
    const lanczos = await rawRgbOf(await sharp(small).resize(original.width, original.height, { kernel: 'lanczos3' }).toBuffer());
    const figures = {
      psnr: { esrgan: psnr(original, model), lanczos3: psnr(original, lanczos) },
      edgeEnergy: { original: edgeEnergy(original), esrgan: edgeEnergy(model), lanczos3: edgeEnergy(lanczos) },
    };
    console.log('×4', JSON.stringify(figures));
    expect(figures.psnr.esrgan).toBeGreaterThan(figures.psnr.lanczos3);
    // Lanczos leaves a blur; the network restores part of the edges' strength.
    expect(figures.edgeEnergy.esrgan).toBeGreaterThan(figures.edgeEnergy.lanczos3 * 1.05);
    expect(figures.edgeEnergy.esrgan).toBeLessThan(figures.edgeEnergy.original);
  });

  it('is clearly closer than lanczos3 to a ×2-shrunk photograph', async () => {
    const small = await shrunk(2);
    const model = await rawRgbOf((await upscale(2, small)).data);
    const lanczos = await rawRgbOf(await sharp(small).resize(original.width, original.height, { kernel: 'lanczos3' }).toBuffer());
    const figures = { esrgan: psnr(original, model), lanczos3: psnr(original, lanczos) };
    console.log('×2 PSNR dB', JSON.stringify(figures));
    expect(figures.esrgan).toBeGreaterThan(figures.lanczos3 + 1);
  });

  it('gives the same picture in overlapping tiles as in one piece: no seams', async () => {
    const small = await shrunk(4);
    const whole = await rawRgbOf((await upscale(4, small, { tileSide: 1024 })).data);
    const tiled = await rawRgbOf((await upscale(4, small, { tileSide: 20 })).data);
    const difference = differenceOf(whole, tiled);
    console.log('tiles against one piece', JSON.stringify(difference));
    expect(difference.max).toBeLessThanOrEqual(2);
    expect(difference.mean).toBeLessThan(0.05);
  });
});

describe('ESRGAN upscaler, as an engine', () => {
  it('makes a PNG `scale` times the input, reporting each tile up to 100 and a preview after the first row', async () => {
    const recording = recordingContext();
    // 72×56 in tiles of 24: three rows of three.
    const file = await upscale(4, await shrunk(4), { tileSide: 24, ctx: recording.ctx });
    expect(file).toMatchObject({ role: 'output', contentType: 'image/png', extension: 'png', width: 288, height: 224 });
    expect(await sharp(file.data).metadata()).toMatchObject({ format: 'png', width: 288, height: 224 });

    const progress = recording.progress();
    expect(progress).toHaveLength(10); // nine tiles, then the encoded PNG
    expect(progress.every((percent, index) => index === 0 || percent > progress[index - 1]!)).toBe(true);
    expect(progress.at(-1)).toBe(100);

    const kinds = recording.events.map((event) => event.type);
    expect(recording.previews()).toHaveLength(1);
    const previewAt = kinds.indexOf('preview');
    expect(previewAt).toBeGreaterThanOrEqual(3); // the first row is three tiles
    expect(previewAt).toBeLessThan(kinds.length - 2); // well before the last rows
    const [preview] = recording.previews();
    expect(preview!.image).toMatchObject({ contentType: 'image/png', width: 288, height: 224 });
    const previewSize = await sharp(preview!.image.data).metadata();
    expect([previewSize.width, previewSize.height]).toEqual([256, 199]);
  });

  it('stops between tiles when canceled, with the signal’s reason', async () => {
    const recording = recordingContext({ abortOn: (event) => event.type === 'progress' });
    const work = upscale(4, await shrunk(4), { tileSide: 16, ctx: recording.ctx });
    await expect(work).rejects.toThrow('aborted by the test');
    // The tile that reported, and no other: the other thread's tile came back to be dropped.
    expect(recording.progress()).toHaveLength(1);
    expect(recording.previews()).toHaveLength(0);
  });

  it('refuses an output over 4096 px a side before any work, as a job error not to retry', async () => {
    const engine = createEsrganEngine({ scale: 4, pool });
    const recording = recordingContext();
    // Not even an image: the size it claims is enough to refuse it.
    const image = { data: Buffer.from('not decoded'), contentType: 'image/png', width: 1025, height: 200 };
    const refusal = await engine.generate({ prompt: '', params, inputs: { image } }, recording.ctx).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(JobError);
    expect(refusal).toMatchObject({ code: 'output_too_large', retryable: false });
    expect(recording.events).toHaveLength(0);

    const twice = createEsrganEngine({ scale: 2, pool });
    const tall = { data: Buffer.from('not decoded'), contentType: 'image/png', width: 10, height: 2049 };
    await expect(twice.generate({ prompt: '', params, inputs: { image: tall } }, recording.ctx)).rejects.toMatchObject({ code: 'output_too_large' });
  });

  it('refuses a job without an input image, and one whose image does not decode', async () => {
    const engine = createEsrganEngine({ scale: 2, pool });
    const ctx = recordingContext().ctx;
    await expect(engine.generate({ prompt: '', params }, ctx)).rejects.toMatchObject({ code: 'validation_failed', retryable: false });
    const image = { data: Buffer.from('<svg'), contentType: 'image/png', width: 10, height: 10 };
    await expect(engine.generate({ prompt: '', params, inputs: { image } }, ctx)).rejects.toMatchObject({ code: 'validation_failed', retryable: false });
  });

  it('keeps the transparency of a picture that has some', async () => {
    const translucent = await sharp(photo).resize(40, 30).ensureAlpha(0.5).png().toBuffer();
    const file = await upscale(2, translucent);
    const { data, info } = await sharp(file.data).raw().toBuffer({ resolveWithObject: true });
    expect(info).toMatchObject({ width: 80, height: 60, channels: 4 });
    const alphas = data.filter((_, index) => index % 4 === 3);
    expect(Math.min(...alphas)).toBeGreaterThanOrEqual(126);
    expect(Math.max(...alphas)).toBeLessThanOrEqual(129);
  });

  it('predicts on its threads: the event loop keeps ticking while it runs, as it cannot when the model runs in place', async () => {
    const watchLoop = () => {
      let last = performance.now();
      let worst = 0;
      const timer = setInterval(() => {
        const now = performance.now();
        worst = Math.max(worst, now - last);
        last = now;
      }, 5);
      return () => {
        clearInterval(timer);
        return Math.max(worst, performance.now() - last);
      };
    };
    const timed = async (work: () => Promise<unknown>) => {
      const stop = watchLoop();
      const started = performance.now();
      await work();
      return { ms: performance.now() - started, worstGap: stop() };
    };
    // The half-size photograph ×4: a second or more of prediction, in tiles of 48.
    const threaded = await timed(async () => upscale(4, await shrunk(2), { tileSide: 48 }));
    const model = await loadEsrganModel(4);
    const small = await rawRgbOf(await shrunk(4));
    const inPlace = await timed(async () => model({ data: new Uint8Array(small.data), width: small.width, height: small.height }));
    console.log('event loop', JSON.stringify({ threaded, inPlace }));
    // In place, one prediction is one long gap; on threads, no gap comes near the run's length.
    expect(inPlace.worstGap).toBeGreaterThan(inPlace.ms * 0.8);
    expect(threaded.worstGap).toBeLessThan(threaded.ms / 4);
  });
});

describe('ESRGAN thread pool', () => {
  it('turns a tile the model cannot take into a job error not to retry, and goes on with the next', async () => {
    const broken = { data: new Uint8Array(10), width: 8, height: 8 };
    const refusal = await pool.upscale(2, broken).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(JobError);
    expect(refusal).toMatchObject({ code: 'engine_failed', retryable: false });

    const grey = { data: new Uint8Array(8 * 8 * 3).fill(128), width: 8, height: 8 };
    const upscaled = await pool.upscale(2, grey);
    expect(upscaled).toMatchObject({ width: 16, height: 16 });
    expect(upscaled.data).toHaveLength(16 * 16 * 3);
  });
});
