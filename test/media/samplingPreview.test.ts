import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtInCatalog } from '@atelier/contracts';
import { createLocalImageEngine, type Engine } from '@atelier/engines';
import { runGeneration } from '../../apps/worker/src/runGeneration.ts';
import { TestPlatform } from '../support/platform.ts';
import { inProcessWorkerDeps } from './support/inProcessWorker.ts';
import { readStream } from '../support/sseClient.ts';
import { quickImage, submit } from '../reliability/support/jobs.ts';

const stepPicture = (red: number) =>
  sharp({ create: { width: 32, height: 32, channels: 3, background: { r: red, g: 40, b: 90 } } })
    .jpeg()
    .toBuffer();

/** An engine that shows two sampling steps, each a different picture, then paints as the local engine does. */
const samplingEngine: Engine<'image'> = {
  kind: 'image',
  name: 'sampling',
  async generate(request, ctx) {
    for (const red of [20, 230]) {
      await ctx.preview({ data: await stepPicture(red), contentType: 'image/jpeg', width: 64, height: 64, isSamplingStep: true });
    }
    return createLocalImageEngine().generate(request, ctx);
  },
};

const imageModel = builtInCatalog().defaultOf('image').id;

let platform: TestPlatform;
beforeAll(async () => {
  platform = await TestPlatform.start();
});
afterAll(() => platform?.stop());

describe('a sampling step preview', () => {
  it('is stored under the attempt and its event carries a URL of its own that serves the newest step', async () => {
    const user = await platform.createUser({ credits: 100 });
    const job = await submit(platform.baseUrl, user, 'image', quickImage);
    const deps = inProcessWorkerDeps(platform, imageModel, samplingEngine);
    await runGeneration(deps, job.id, imageModel, new AbortController().signal);

    const events = await readStream(platform.baseUrl + job.streamUrl, user.headers);
    const previews = events.filter((event) => event.type === 'preview').map((event) => event.data as { url?: string; firstFrameUrl?: string });
    // The local painter's own preview after its first step is a BlurHash only: it has no URL.
    expect(previews.map((preview) => preview.url)).toEqual([`/api/jobs/${job.id}/preview?step=1`, `/api/jobs/${job.id}/preview?step=2`, undefined]);
    expect(previews.every((preview) => preview.firstFrameUrl === undefined)).toBe(true);

    const served = await fetch(platform.baseUrl + previews[1]!.url!, { headers: user.headers });
    expect(served.headers.get('content-type')).toBe('image/jpeg');
    const [red] = (await sharp(Buffer.from(await served.arrayBuffer())).stats()).channels;
    expect(red!.mean).toBeGreaterThan(200);
    const row = await platform.pool.query<{ preview_key: string }>('SELECT preview_key FROM generation_jobs WHERE id = $1', [job.id]);
    expect(row.rows[0]!.preview_key).toMatch(new RegExp(`${job.id}/a1-sampling-step\\.jpg$`));
  });
});
