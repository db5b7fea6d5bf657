import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { probe, runTool } from '@atelier/media';
import { startS3Server, type RunningS3Server } from '../../packages/storage/test/support/startS3Server.ts';
import { TestPlatform, type TestUser } from '../support/platform.ts';
import type { JobKind } from '@atelier/contracts';
import { postJson } from '../support/api.ts';
import { clientFor, collectEvents } from '../support/jobEvents.ts';

/* The whole media pipeline with production's storage: outputs go to an S3-protocol server through the AWS SDK. */
let s3: RunningS3Server;
let platform: TestPlatform;
let user: TestUser;

beforeAll(async () => {
  s3 = await startS3Server('atelier-media');
  platform = await TestPlatform.start({
    STORAGE_DRIVER: 's3',
    S3_ENDPOINT: s3.endpoint,
    S3_BUCKET: s3.bucket,
    S3_ACCESS_KEY_ID: s3.credentials.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
    S3_FORCE_PATH_STYLE: 'true',
  });
  await platform.startWorker();
  user = await platform.createUser({ plan: 'pro', credits: 10_000 });
});
afterAll(async () => {
  await platform?.stop();
  await s3?.stop();
});

const signal = () => AbortSignal.timeout(30_000);

async function download(path: string): Promise<Buffer> {
  const response = await fetch(new URL(path, platform.baseUrl), { headers: user.headers });
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

async function submitAndRead(kind: JobKind, prompt: string, params: Record<string, unknown>) {
  const started = performance.now();
  const client = clientFor(platform, user);
  const { job } = await client.submit(kind, { prompt, params });
  const arrivals = new Map<string, number>();
  const events = await collectEvents(client, job.id, {
    until: (event) => {
      if (!arrivals.has(event.type)) arrivals.set(event.type, performance.now() - started);
      return false;
    },
  });
  expect(events.at(-1)!.data.status).toBe('succeeded');
  return { events, arrivals };
}

describe('video', () => {
  it('sends the first frame before the output and within 5 s; the MP4 is H.264 of the asked length and size', async () => {
    const { events, arrivals } = await submitAndRead('video', 'waves rolling onto a beach', { seconds: 2, fps: 12, width: 320, height: 240, seed: 3 });
    expect(arrivals.get('preview')!).toBeLessThan(5_000);
    expect(arrivals.get('preview')!).toBeLessThan(arrivals.get('output')!);

    const preview = events.find((e) => e.type === 'preview')!.data;
    expect(preview).toMatchObject({ width: 320, height: 240 });
    expect(typeof preview.blurhash).toBe('string');
    const output = events.find((e) => e.type === 'output')!.data;
    expect(output.contentType).toBe('video/mp4');

    const mp4 = await download(output.url as string);
    const info = await probe(mp4, signal());
    expect(info).toMatchObject({ codec: 'h264', width: 320, height: 240, pixFmt: 'yuv420p' });
    expect(info.durationSeconds).toBeGreaterThan(1.8);
    expect(info.durationSeconds).toBeLessThan(2.3);

    // The first frame served equals frame 0 of the video, loosely (JPEG and H.264 both lose a little).
    const firstFrame = await sharp(await download(preview.firstFrameUrl as string))
      .resize(64, 48)
      .raw()
      .toBuffer();
    const frame0Png = await runTool('ffmpeg', ['-v', 'error', '-i', 'pipe:0', '-frames:v', '1', '-f', 'image2pipe', '-vcodec', 'png', 'pipe:1'], {
      signal: signal(),
      input: mp4,
    });
    const frame0 = await sharp(frame0Png).resize(64, 48).raw().toBuffer();
    let difference = 0;
    for (let i = 0; i < frame0.length; i++) difference += Math.abs(frame0[i]! - firstFrame[i]!);
    expect(difference / frame0.length).toBeLessThan(12);

    const poster = await download(output.posterUrl as string);
    expect((await sharp(poster).metadata()).format).toBe('jpeg');
  });

  it('serves the first frame the moment its event arrives: the row has it before the event goes out', async () => {
    // Writing a preview key to the row takes a second here, so an event sent before that
    // write would point at a frame the API cannot find yet.
    await platform.pool.query(`
      CREATE FUNCTION test_slow_preview_key() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.preview_key IS DISTINCT FROM OLD.preview_key THEN PERFORM pg_sleep(1); END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER test_slow_preview_key BEFORE UPDATE ON generation_jobs
        FOR EACH ROW EXECUTE FUNCTION test_slow_preview_key();`);
    try {
      const client = clientFor(platform, user);
      const { job } = await client.submit('video', {
        prompt: 'a kite over dunes',
        params: { seconds: 1, fps: 12, width: 160, height: 120, seed: 5 },
      });
      const events = await collectEvents(client, job.id, { until: (event) => event.type === 'preview' });
      const preview = events.at(-1)!;
      expect(preview.type).toBe('preview');
      const frame = await sharp(await download(preview.data.firstFrameUrl as string)).metadata();
      expect(frame).toMatchObject({ format: 'jpeg', width: 160, height: 120 });
    } finally {
      await platform.pool.query('DROP TRIGGER test_slow_preview_key ON generation_jobs; DROP FUNCTION test_slow_preview_key();');
    }
  });
});

describe('voice', () => {
  it('speaks to a file whose duration grows with the text, with peaks to draw', async () => {
    const short = await submitAndRead('voice', 'Hello there.', { format: 'mp3' });
    const long = await submitAndRead(
      'voice',
      'Hello there. This is a much longer sentence, spoken slowly and clearly. And here is a third one for good measure.',
      { format: 'ogg' },
    );
    const [shortOut, longOut] = [short, long].map(({ events }) => events.find((e) => e.type === 'output')!.data);
    expect(shortOut!.contentType).toBe('audio/mpeg');
    expect(longOut!.contentType).toBe('audio/ogg');
    const shortInfo = await probe(await download(shortOut!.url as string), signal());
    const longInfo = await probe(await download(longOut!.url as string), signal());
    expect(shortInfo.durationSeconds).toBeGreaterThan(0.3);
    expect(longInfo.durationSeconds).toBeGreaterThan(shortInfo.durationSeconds! * 2);
    expect((longOut!.peaks as number[]).length).toBeGreaterThan(10);
    const progress = long.events.filter((e) => e.type === 'progress').map((e) => e.data.percent as number);
    expect(progress.length).toBeGreaterThanOrEqual(3);
  });
});

describe('assets', () => {
  it('lists outputs as assets with their placeholders, serves and deletes them (object too)', async () => {
    await submitAndRead('image', 'an orchard in spring', { width: 128, height: 128, steps: 4 });
    const list = await fetch(`${platform.baseUrl}/api/assets?kind=image`, { headers: user.headers });
    const { items } = (await list.json()) as { items: { id: string; blurhash: string; url: string; kind: string }[] };
    expect(items.length).toBeGreaterThanOrEqual(1);
    expect(items.every((a) => a.kind === 'image' && a.blurhash.length > 5)).toBe(true);
    const asset = items[0]!;
    const redirect = await fetch(new URL(asset.url, platform.baseUrl), { headers: user.headers, redirect: 'manual' });
    expect(redirect.status).toBe(302);
    const objectUrl = redirect.headers.get('location')!;
    expect(objectUrl.startsWith(s3.endpoint)).toBe(true);
    expect((await fetch(objectUrl)).status).toBe(200);

    const removed = await fetch(`${platform.baseUrl}/api/assets/${asset.id}`, { method: 'DELETE', headers: user.headers });
    expect(removed.status).toBe(204);
    expect((await fetch(`${platform.baseUrl}/api/assets/${asset.id}`, { headers: user.headers })).status).toBe(404);
    expect((await fetch(objectUrl)).status).toBe(404);
  });
});

describe('bad params', () => {
  it.each([
    ['video', { seconds: 0 }],
    ['video', { seconds: 600 }],
    ['video', { width: 7, height: 7 }],
    ['video', { width: 321, height: 240 }],
    ['voice', { voice: 'klingon' }],
    ['voice', { format: 'flac' }],
  ])('%s %j is 400 validation_failed', async (kind, params) => {
    const answer = await postJson<{ error: { code: string; message: string } }>(platform, user, `/api/generate/${kind}`, { prompt: 'x', params });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('validation_failed');
    expect(answer.body.error.message).toMatch(/params|seconds|width|voice|format/);
  });
});
