import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isBlurhashValid } from 'blurhash';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { JobError } from '@atelier/contracts';
import { placeholderOf, probe, runTool, validateOutput, withTempDir } from '../src/index.ts';

const signal = new AbortController().signal;

/** Real files made from ffmpeg's own test sources, written to a file as a muxer that seeks needs. */
const ffmpegMakes = (extension: string, args: string[]) =>
  withTempDir(async (dir) => {
    const file = join(dir, `made.${extension}`);
    await runTool('ffmpeg', ['-v', 'error', ...args, file], { signal });
    return readFile(file);
  });
const mp4 = (codec: string, pixFmt = 'yuv420p') =>
  ffmpegMakes('mp4', ['-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=12', '-t', '2', '-c:v', codec, '-pix_fmt', pixFmt, '-movflags', '+faststart']);
const audio = (extension: string) => ffmpegMakes(extension, ['-f', 'lavfi', '-i', 'sine=duration=1.5']);
const png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#336699' } })
    .png()
    .toBuffer();

async function invalidOutputOf(run: Promise<unknown>): Promise<JobError> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(JobError);
  expect((error as JobError).code).toBe('invalid_output');
  expect((error as JobError).retryable).toBe(false);
  return error as JobError;
}

describe('probe', () => {
  it('reads container, codec, size, duration and pixel format', async () => {
    const info = await probe(await mp4('libx264'), signal);
    expect(info).toEqual({ container: 'mov,mp4,m4a,3gp,3g2,mj2', codec: 'h264', width: 320, height: 240, durationSeconds: 2, pixFmt: 'yuv420p' });
  });
});

describe('validateOutput', () => {
  it('accepts a PNG of the expected size, measures it and gives its placeholder from the same decode', async () => {
    const data = await png(64, 48);
    const measured = await validateOutput({ data, contentType: 'image/png' }, { width: 64, height: 48 });
    expect(measured).toEqual({ width: 64, height: 48, blurhash: (await placeholderOf(data)).blurhash });
    expect(isBlurhashValid(measured.blurhash!).result).toBe(true);
  });

  it('refuses a truncated JPEG', async () => {
    const data = await sharp({ create: { width: 256, height: 256, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
      .jpeg()
      .toBuffer();
    await invalidOutputOf(validateOutput({ data: data.subarray(0, data.length / 2), contentType: 'image/jpeg' }));
  });

  it('refuses a PNG of the wrong size', async () => {
    const error = await invalidOutputOf(validateOutput({ data: await png(64, 48), contentType: 'image/png' }, { width: 512, height: 512 }));
    expect(error.message).toContain('64×48');
  });

  it('refuses a PNG labelled as JPEG', async () => {
    await invalidOutputOf(validateOutput({ data: await png(64, 48), contentType: 'image/jpeg' }));
  });

  it('refuses a truncated PNG', async () => {
    const data = await sharp({ create: { width: 256, height: 256, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
      .png()
      .toBuffer();
    await invalidOutputOf(validateOutput({ data: data.subarray(0, data.length / 2), contentType: 'image/png' }));
  });

  it('accepts an H.264 MP4 of the expected size and duration', async () => {
    const measured = await validateOutput({ data: await mp4('libx264'), contentType: 'video/mp4' }, { width: 320, height: 240, durationSeconds: 2 });
    expect(measured).toEqual({ width: 320, height: 240, durationSeconds: 2 });
  });

  it('refuses an MP4 that is not H.264', async () => {
    const error = await invalidOutputOf(validateOutput({ data: await mp4('mpeg4'), contentType: 'video/mp4' }));
    expect(error.message).toContain('mpeg4');
  });

  it('refuses an H.264 MP4 in 4:4:4, which browsers do not play reliably', async () => {
    await invalidOutputOf(validateOutput({ data: await mp4('libx264', 'yuv444p'), contentType: 'video/mp4' }));
  });

  it('refuses an MP4 of the wrong duration', async () => {
    await invalidOutputOf(validateOutput({ data: await mp4('libx264'), contentType: 'video/mp4' }, { durationSeconds: 5 }));
  });

  it('refuses a truncated MP4 that still probes', async () => {
    const data = await mp4('libx264');
    await invalidOutputOf(validateOutput({ data: data.subarray(0, Math.floor(data.length * 0.7)), contentType: 'video/mp4' }));
  });

  it.each([
    ['audio/mpeg', 'mp3'],
    ['audio/ogg', 'ogg'],
    ['audio/wav', 'wav'],
  ])('accepts %s audio that decodes and lasts', async (contentType, format) => {
    const measured = await validateOutput({ data: await audio(format), contentType });
    expect(measured.durationSeconds).toBeGreaterThan(1.4);
  });

  it('refuses audio labelled as another format', async () => {
    await invalidOutputOf(validateOutput({ data: await audio('wav'), contentType: 'audio/mpeg' }));
  });

  it('refuses garbage, empty files and unknown content types', async () => {
    await invalidOutputOf(validateOutput({ data: Buffer.from('garbage'.repeat(100)), contentType: 'video/mp4' }));
    await invalidOutputOf(validateOutput({ data: Buffer.alloc(0), contentType: 'audio/mpeg' }));
    await invalidOutputOf(validateOutput({ data: await png(8, 8), contentType: 'image/gif' }));
  });
});
