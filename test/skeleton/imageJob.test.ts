import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decode, isBlurhashValid } from 'blurhash';
import sharp from 'sharp';
import { TestPlatform, type TestUser } from '../support/platform.ts';
import { clientFor, collectEvents, type ReceivedEvent } from '../support/jobEvents.ts';
import type { AtelierClient } from '@atelier/client';

let platform: TestPlatform;
let alice: TestUser;
let client: AtelierClient;

beforeAll(async () => {
  platform = await TestPlatform.start();
  await platform.startWorker();
  alice = await platform.createUser({ credits: 1_000 });
  client = clientFor(platform, alice);
});
afterAll(async () => platform?.stop());

async function submitImage(prompt: string, params: Record<string, unknown> = { width: 256, height: 256, steps: 8, seed: 7 }) {
  const answer = await client.submit('image', { prompt, params });
  expect(answer.streamUrl).toBe(`/api/generate/${answer.job.id}/stream`);
  return answer;
}

const streamIds = (events: ReceivedEvent[]) => events.filter((e) => e.id).map((e) => e.id);

describe('an image job, end to end', () => {
  it('streams snapshot, rising progress, a BlurHash preview, a PNG output and success', async () => {
    const { job } = await submitImage('a lighthouse on a cliff at dusk');
    expect(job.status).toBe('queued');
    const events = await collectEvents(client, job.id);
    const types = events.map((e) => e.type);

    expect(types[0]).toBe('snapshot');
    expect(types.at(-1)).toBe('status');
    expect(events.at(-1)!.data.status).toBe('succeeded');
    expect(types.indexOf('preview')).toBeLessThan(types.indexOf('output'));

    const percents = events.filter((e) => e.type === 'progress').map((e) => e.data.percent as number);
    expect(percents.length).toBeGreaterThanOrEqual(4);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(percents.at(-1)).toBe(100);

    const preview = events.find((e) => e.type === 'preview')!.data;
    expect(isBlurhashValid(preview.blurhash as string).result).toBe(true);
    expect(decode(preview.blurhash as string, 32, 32)).toHaveLength(32 * 32 * 4);
    expect(preview).toMatchObject({ width: 256, height: 256 });

    const output = events.find((e) => e.type === 'output')!.data;
    expect(output.contentType).toBe('image/png');
    const download = await fetch(new URL(output.url as string, platform.baseUrl), { headers: alice.headers });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('image/png');
    const png = Buffer.from(await download.arrayBuffer());
    expect(png.length).toBe(output.bytes);
    const decoded = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect(decoded.info).toMatchObject({ width: 256, height: 256 });

    const row = await platform.pool.query('SELECT status, progress, worker_id, blurhash, output_key FROM generation_jobs WHERE id = $1', [job.id]);
    expect(row.rows[0]).toMatchObject({ status: 'succeeded', progress: 100 });
    expect(row.rows[0].worker_id).toMatch(/^[^:]+:\d+:[0-9a-f]{6}$/);
    expect(isBlurhashValid(row.rows[0].blurhash).result).toBe(true);
  });

  it('resumes a dropped stream from Last-Event-ID with no gap and no duplicate', async () => {
    const { job } = await submitImage('a slow river through a pine forest', { width: 512, height: 512, steps: 20, seed: 11 });
    const firstHalf = await collectEvents(client, job.id, {
      until: (event) => event.type === 'progress' && (event.data.percent as number) >= 30,
    });
    const lastId = streamIds(firstHalf).at(-1)!;
    const secondHalf = await collectEvents(client, job.id, { lastEventId: lastId });

    expect(secondHalf[0]!.type).not.toBe('snapshot');
    const joined = [...streamIds(firstHalf), ...streamIds(secondHalf)];
    expect(new Set(joined).size).toBe(joined.length);
    const everything = await collectEvents(client, job.id);
    expect(joined).toEqual(streamIds(everything));
    expect(secondHalf.at(-1)!.data.status).toBe('succeeded');
    expect(job.id).toBeTruthy();
  });

  it('streams a finished job from its snapshot and recorded events, then ends', async () => {
    const { job } = await submitImage('a red kite over green hills');
    await collectEvents(client, job.id);
    const replay = await collectEvents(client, job.id);
    expect(replay[0]!.type).toBe('snapshot');
    expect((replay[0]!.data.job as { status: string }).status).toBe('succeeded');
    expect(replay.at(-1)!.data.status).toBe('succeeded');
  });

  it('keeps every job row and queue entry in agreement', async () => {
    const submitted = await Promise.all(Array.from({ length: 5 }, (_, i) => submitImage(`agreement ${i}`)));
    await Promise.all(submitted.map(({ job }) => collectEvents(client, job.id)));
    const rows = await platform.pool.query<{ id: string }>('SELECT id FROM generation_jobs');
    const queued = await platform.queueJobIds();
    expect(new Set(queued)).toEqual(new Set(rows.rows.map((r) => r.id)));
  });
});
