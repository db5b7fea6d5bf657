import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ImageParams } from '@atelier/contracts';
import { validateOutput } from '@atelier/media';
import { createInstantImageEngine, createLocalImageEngine } from '../src/index.ts';
import { solidPng } from '../src/image/solidPng.ts';
import { recordingContext, settleTimed } from './support/recordingContext.ts';

const engine = createLocalImageEngine();
const generate = async (prompt: string, params: Partial<ImageParams> = {}) => {
  const recording = recordingContext();
  const [file] = await engine.generate({ prompt, params: ImageParams.parse({ seed: 42, ...params }) }, recording.ctx);
  return { file: file!, recording };
};
const pixelsOf = (png: Buffer) => sharp(png).raw().toBuffer({ resolveWithObject: true });

describe('local image engine', () => {
  it('gives the same bytes for the same prompt and seed, other bytes for another seed', async () => {
    const first = await generate('a lighthouse on a cliff at dawn', { width: 256, height: 256 });
    const again = await generate('a lighthouse on a cliff at dawn', { width: 256, height: 256 });
    const otherSeed = await generate('a lighthouse on a cliff at dawn', { width: 256, height: 256, seed: 43 });
    expect(again.file.data.equals(first.file.data)).toBe(true);
    expect(otherSeed.file.data.equals(first.file.data)).toBe(false);
  });

  it('reports every step, rising to 100, and one small preview after the first step', async () => {
    const { recording } = await generate('green hills', { steps: 12 });
    const progress = recording.progress();
    expect(progress).toHaveLength(13); // twelve steps, then the encoded PNG
    expect(progress.every((percent, index) => index === 0 || percent > progress[index - 1]!)).toBe(true);
    expect(progress.at(-1)).toBe(100);

    const kinds = recording.events.map((event) => event.type);
    expect(kinds.indexOf('preview')).toBe(1); // right after step 1, long before the output
    expect(recording.previews()).toHaveLength(1);
    const [preview] = recording.previews();
    expect(preview!.image).toMatchObject({ contentType: 'image/png', width: 512, height: 512 });
    const decoded = await sharp(preview!.image.data).metadata();
    expect(Math.max(decoded.width, decoded.height)).toBeLessThanOrEqual(32);
  });

  it.each([
    [512, 512],
    [640, 384],
    [321, 199],
  ])('makes a PNG that decodes at %i×%i', async (width, height) => {
    const { file } = await generate('a quiet harbour', { width, height, steps: 4 });
    expect(file).toMatchObject({ role: 'output', contentType: 'image/png', extension: 'png', width, height });
    await expect(validateOutput(file, { width, height })).resolves.toMatchObject({ width, height });
  });

  it('paints a picture: smooth neighbouring pixels, yet a range of tones', async () => {
    const { data, info } = await pixelsOf((await generate('misty mountains at sunset', { width: 256, height: 256 })).file.data);
    let neighbourDifference = 0;
    let sum = 0;
    let sumOfSquares = 0;
    for (let pixel = 0; pixel < info.width * info.height; pixel++) {
      const luma = data[pixel * 3]! * 0.3 + data[pixel * 3 + 1]! * 0.59 + data[pixel * 3 + 2]! * 0.11;
      sum += luma;
      sumOfSquares += luma * luma;
      if (pixel % info.width > 0) neighbourDifference += Math.abs(data[pixel * 3 + 1]! - data[(pixel - 1) * 3 + 1]!);
    }
    const count = info.width * info.height;
    const spread = Math.sqrt(sumOfSquares / count - (sum / count) ** 2);
    expect(neighbourDifference / count).toBeLessThan(3); // noise would be tens
    expect(spread).toBeGreaterThan(15); // a flat fill would be zero
  });

  it('takes its colours from the prompt', async () => {
    const meanOf = async (prompt: string) => {
      const { data } = await pixelsOf((await generate(prompt, { width: 128, height: 128, steps: 2 })).file.data);
      const bottom = data.subarray(data.length * 0.8);
      const mean = [0, 1, 2].map((channel) => bottom.filter((_, index) => index % 3 === channel).reduce((a, b) => a + b, 0));
      return { red: mean[0]!, blue: mean[2]! };
    };
    const red = await meanOf('a red valley');
    const blue = await meanOf('a blue valley');
    expect(red.red - red.blue).toBeGreaterThan(0);
    expect(blue.blue - blue.red).toBeGreaterThan(0);
  });

  it('paints 512×512 in 12 steps well within 1.5 s', async () => {
    await generate('warm-up', { width: 64, height: 64, steps: 1 });
    const { ms } = await settleTimed(generate('a long beach at noon', { width: 512, height: 512, steps: 12 }));
    expect(ms).toBeLessThan(1500);
  });

  it('stops between steps when aborted, rejecting with the reason', async () => {
    const recording = recordingContext({ abortOn: (event) => event.type === 'preview' });
    const run = engine.generate(
      { prompt: 'a long, slow picture', params: ImageParams.parse({ width: 1024, height: 1024, steps: 50, seed: 1 }) },
      recording.ctx,
    );
    const { error } = await settleTimed(run);
    expect(error).toBe(recording.controller.signal.reason);
    expect(recording.sinceAbort()).toBeLessThan(2000);
    expect(recording.progress().at(-1)).toBeLessThan(100);
  });
});

describe('instant image engine', () => {
  it('makes a valid 8×8 PNG at once and reports 100', async () => {
    const recording = recordingContext();
    const [file] = await createInstantImageEngine().generate({ prompt: 'anything', params: ImageParams.parse({ seed: 1 }) }, recording.ctx);
    await expect(validateOutput(file!, { width: 8, height: 8 })).resolves.toMatchObject({ width: 8, height: 8 });
    expect(recording.progress()).toEqual([100]);
  });

  it('writes PNGs that decode to their one colour at every size', async () => {
    for (const [width, height] of [
      [1, 1],
      [8, 8],
      [33, 5],
    ] as const) {
      const { data, info } = await sharp(solidPng(width, height, { r: 12, g: 200, b: 77 }))
        .raw()
        .toBuffer({ resolveWithObject: true });
      expect(info).toMatchObject({ width, height, channels: 3 });
      for (let pixel = 0; pixel < width * height; pixel++) expect([...data.subarray(pixel * 3, pixel * 3 + 3)]).toEqual([12, 200, 77]);
    }
  });

  it('makes the same picture from the same prompt and seed, and another from another seed', async () => {
    const make = async (seed: number) =>
      (await createInstantImageEngine().generate({ prompt: 'p', params: ImageParams.parse({ seed }) }, recordingContext().ctx))[0]!.data;
    expect((await make(1)).equals(await make(1))).toBe(true);
    expect((await make(1)).equals(await make(2))).toBe(false);
  });
});
