import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { JobError, VideoParams } from '@atelier/contracts';
import { probe } from '@atelier/media';
import { createImagePanEngine } from '../src/index.ts';
import { frameOf, meanAbsoluteDifference } from './support/frames.ts';
import { recordingContext } from './support/recordingContext.ts';

const engine = createImagePanEngine();
const cat = new URL('./fixtures/chelsea-cat.jpg', import.meta.url).pathname;
const params = (seed: number) => VideoParams.parse({ seconds: 1, fps: 12, width: 160, height: 120, seed });

const input = () => sharp(cat).resize(300, 200, { fit: 'fill' }).png().toBuffer();

async function film(seed: number) {
  const data = await input();
  const recording = recordingContext();
  const files = await engine.generate(
    { prompt: 'a cat', params: params(seed), inputs: { image: { data, contentType: 'image/png', width: 300, height: 200 } } },
    recording.ctx,
  );
  return { recording, mp4: files.find((file) => file.role === 'output')!.data };
}

describe('image pan engine', () => {
  it('hands over frame 0 (the whole picture) first, then films a zoom toward a corner the seed picks', async () => {
    const { recording, mp4 } = await film(3);
    expect(recording.events[0]?.type).toBe('preview');
    expect(recording.previews()[0]!.image).toMatchObject({ contentType: 'image/jpeg', width: 160, height: 120, isFirstFrame: true });
    expect(await probe(mp4, new AbortController().signal)).toMatchObject({ codec: 'h264', width: 160, height: 120, durationSeconds: 1 });

    const picture = await sharp(await input())
      .resize(160, 120, { fit: 'cover' })
      .removeAlpha()
      .raw()
      .toBuffer();
    const [first, last] = [await frameOf(mp4, 0), await frameOf(mp4, 11)];
    expect(meanAbsoluteDifference(first, picture)).toBeLessThan(6);
    expect(meanAbsoluteDifference(last, picture)).toBeGreaterThan(meanAbsoluteDifference(first, picture) + 2);
    // The same seed films the same path; another seed's ends elsewhere.
    expect((await film(3)).mp4.equals(mp4)).toBe(true);
    expect(meanAbsoluteDifference(await frameOf((await film(4)).mp4, 11), last)).toBeGreaterThan(2);
  });

  it('refuses a job without an input picture, not to be retried', async () => {
    const run = engine.generate({ prompt: 'a cat', params: params(1) }, recordingContext().ctx);
    await expect(run).rejects.toBeInstanceOf(JobError);
    await expect(run).rejects.toMatchObject({ code: 'input_required', retryable: false });
  });
});
