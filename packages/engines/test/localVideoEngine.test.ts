import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { JobError, VideoParams } from '@atelier/contracts';
import { probe, validateOutput } from '@atelier/media';
import { createLocalVideoEngine } from '../src/index.ts';
import { frameOf, meanAbsoluteDifference } from './support/frames.ts';
import { recordingContext, settleTimed } from './support/recordingContext.ts';

const engine = createLocalVideoEngine();
const signal = new AbortController().signal;

describe('local video engine', () => {
  it('encodes an H.264 4:2:0 MP4 of the asked size and length, with a JPEG poster', async () => {
    const recording = recordingContext();
    const files = await engine.generate(
      { prompt: 'a river through autumn woods', params: VideoParams.parse({ seconds: 2, fps: 12, width: 320, height: 240, seed: 5 }) },
      recording.ctx,
    );
    const output = files.find((file) => file.role === 'output')!;
    const poster = files.find((file) => file.role === 'poster')!;
    expect(output).toMatchObject({ contentType: 'video/mp4', extension: 'mp4', width: 320, height: 240, durationSeconds: 2 });
    expect(await probe(output.data, signal)).toMatchObject({ codec: 'h264', pixFmt: 'yuv420p', width: 320, height: 240, durationSeconds: 2 });
    await expect(validateOutput(output, { width: 320, height: 240, durationSeconds: 2 })).resolves.toMatchObject({ width: 320, height: 240 });
    await expect(validateOutput(poster, { width: 320, height: 240 })).resolves.toMatchObject({ width: 320, height: 240 });

    const progress = recording.progress();
    expect(progress.every((percent, index) => index === 0 || percent > progress[index - 1]!)).toBe(true);
    expect(progress.at(-1)).toBe(100);
  });

  it('hands over frame 0 first, and the MP4 starts with that same frame', async () => {
    const recording = recordingContext();
    const files = await engine.generate(
      { prompt: 'sunset over a purple sea', params: VideoParams.parse({ seconds: 1, fps: 12, width: 256, height: 192, seed: 9 }) },
      recording.ctx,
    );
    expect(recording.events[0]?.type).toBe('preview');
    const [firstFrame] = recording.previews();
    expect(firstFrame!.image).toMatchObject({ contentType: 'image/jpeg', width: 256, height: 192, isFirstFrame: true });

    const mp4 = files.find((file) => file.role === 'output')!.data;
    const jpegPixels = await sharp(firstFrame!.image.data).raw().toBuffer();
    const frame0 = await frameOf(mp4, 0);
    const lastFrame = await frameOf(mp4, 11);
    expect(frame0.length).toBe(jpegPixels.length);
    expect(meanAbsoluteDifference(frame0, jpegPixels)).toBeLessThan(3);
    // The camera pans: the last frame is not the first.
    expect(meanAbsoluteDifference(lastFrame, jpegPixels)).toBeGreaterThan(meanAbsoluteDifference(frame0, jpegPixels) + 1);
  });

  it.each([1, 10])('shows frame 0 well within a second for a %i-second film, and stops at once on abort', async (seconds) => {
    const recording = recordingContext({ abortOn: (event) => event.type === 'preview' });
    const run = engine.generate(
      { prompt: 'clouds over snowy mountains', params: VideoParams.parse({ seconds, fps: 30, width: 640, height: 480, seed: 2 }) },
      recording.ctx,
    );
    const { error } = await settleTimed(run);
    const [firstFrame] = recording.previews();
    expect(firstFrame!.at).toBeLessThan(1000);
    expect(error).toBe(recording.controller.signal.reason);
    expect(recording.sinceAbort()).toBeLessThan(2000);
  });

  it('stops promptly when aborted while ffmpeg is encoding', async () => {
    const recording = recordingContext({ abortOn: (event) => event.type === 'progress' && event.percent >= 20 });
    const run = engine.generate(
      { prompt: 'a windy meadow', params: VideoParams.parse({ seconds: 10, fps: 30, width: 640, height: 480, seed: 4 }) },
      recording.ctx,
    );
    const { error } = await settleTimed(run);
    expect(error).toBe(recording.controller.signal.reason);
    expect(recording.sinceAbort()).toBeLessThan(2000);
    expect(recording.progress().at(-1)).toBeLessThan(100);
  });

  it('paints the same first frame for the same prompt and seed', async () => {
    const firstFrameOf = async () => {
      const recording = recordingContext({ abortOn: (event) => event.type === 'preview' });
      await settleTimed(
        engine.generate({ prompt: 'a desert road', params: VideoParams.parse({ seconds: 3, width: 160, height: 120, seed: 8 }) }, recording.ctx),
      );
      return recording.previews()[0]!.image.data;
    };
    expect((await firstFrameOf()).equals(await firstFrameOf())).toBe(true);
  });

  it('refuses an odd size, which H.264 in 4:2:0 cannot hold, even past the schema', async () => {
    expect(VideoParams.safeParse({ width: 321, height: 240 }).success).toBe(false);
    const run = engine.generate({ prompt: 'a fox', params: { ...VideoParams.parse({ seed: 1 }), width: 321, height: 240 } }, recordingContext().ctx);
    await expect(run).rejects.toThrow(JobError);
    await expect(run).rejects.toMatchObject({ code: 'validation_failed', retryable: false });
  });
});
