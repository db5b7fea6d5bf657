import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '@atelier/media';
import { frameOf, meanAbsoluteDifference } from '../../packages/engines/test/support/frames.ts';
import { TestPlatform, type TestUser } from '../support/platform.ts';
import { uploadPicture } from './support/uploadPicture.ts';
import { waitForStatus } from '../reliability/support/jobs.ts';

const PAINTER = 'atelier/landscape-sketch';
const IMAGE_PAN = 'atelier/image-pan';
const cat = new URL('../../packages/engines/test/fixtures/chelsea-cat.jpg', import.meta.url).pathname;
const signal = new AbortController().signal;

let platform: TestPlatform;
let alice: TestUser;
let mallory: TestUser;

beforeAll(async () => {
  platform = await TestPlatform.start();
  [alice, mallory] = await Promise.all([platform.createUser({ credits: 200 }), platform.createUser({ credits: 200 })]);
  await platform.startWorker({ WORKER_MODELS: `${PAINTER},${IMAGE_PAN}` });
});
afterAll(async () => platform?.stop());

type Answer = { status: number; body: { job?: { id: string; cost: number; params: Record<string, unknown> }; error?: { code: string; message: string } } };

async function post(user: TestUser, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(platform.baseUrl + path, {
    method: 'POST',
    headers: { ...user.headers, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

async function get<T>(user: TestUser, path: string): Promise<T> {
  const response = await fetch(platform.baseUrl + path, { headers: user.headers });
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

const upload = (user: TestUser, data: Buffer) => uploadPicture(platform, user, data);

/** Waits for the job to succeed; its asset's id and file. */
async function finished(user: TestUser, answer: Answer): Promise<{ assetId: string; data: Buffer }> {
  expect(answer.status, JSON.stringify(answer.body)).toBe(202);
  const jobId = answer.body.job!.id;
  expect((await waitForStatus(platform, jobId, ['succeeded', 'failed'], 60_000)).status).toBe('succeeded');
  const assetId = (await platform.pool.query<{ id: string }>('SELECT id FROM workspace_assets WHERE job_id = $1', [jobId])).rows[0]!.id;
  const content = await fetch(`${platform.baseUrl}/api/assets/${assetId}/content`, { headers: user.headers });
  expect(content.status).toBe(200);
  return { assetId, data: Buffer.from(await content.arrayBuffer()) };
}

/** The picture as 8×8 pixels: its layout (sky, ridges, sun) without its grain. */
const lowFrequency = (png: Buffer) => sharp(png).resize(8, 8, { kernel: 'cubic' }).raw().toBuffer();
/** The picture less its blur: the fine detail alone, per channel value. */
async function highPass(png: Buffer): Promise<number[]> {
  const [sharpPixels, blurred] = await Promise.all([sharp(png).raw().toBuffer(), sharp(png).blur(2).raw().toBuffer()]);
  return [...sharpPixels].map((value, index) => value - blurred[index]!);
}
const meanAbsolute = (values: number[]) => values.reduce((sum, value) => sum + Math.abs(value), 0) / values.length;
const balanceOf = async (user: TestUser) => (await get<{ balance: number }>(user, '/api/credits')).balance;
const parentOf = async (jobId: string) =>
  (await platform.pool.query<{ parent: string | null }>('SELECT parent_asset_id AS parent FROM generation_jobs WHERE id = $1', [jobId])).rows[0]!.parent;

type Lineage = { descendants: { depth: number; asset: { id: string } }[] };

describe('varying a result of the local painter', () => {
  const recipe = { model: PAINTER, prompt: 'misty green mountains above a lake at dawn', params: { width: 192, height: 128, steps: 6, seed: 41 } };

  it('subtly keeps the layout and changes the detail; strongly changes the layout; each costs as a submit and is the asset’s child', async () => {
    const parentSubmit = await post(alice, '/api/generate/image', recipe);
    const parent = await finished(alice, parentSubmit);
    const before = await balanceOf(alice);

    const subtleAnswer = await post(alice, `/api/assets/${parent.assetId}/vary`, { variation: 'subtle' });
    const strongAnswer = await post(alice, `/api/assets/${parent.assetId}/vary`, {});
    const [subtle, strong] = [await finished(alice, subtleAnswer), await finished(alice, strongAnswer)];
    const [subtleJob, strongJob] = [subtleAnswer.body.job!, strongAnswer.body.job!];
    expect(subtleJob.cost).toBe(parentSubmit.body.job!.cost);
    expect(await balanceOf(alice)).toBe(before - subtleJob.cost - strongJob.cost);
    expect(subtleJob.params).toMatchObject({ ...recipe.params, seed: 41, grainSeed: expect.any(Number) });
    expect(strongJob.params.seed).not.toBe(41);
    expect(strongJob.params.grainSeed).toBeUndefined();
    expect([await parentOf(subtleJob.id), await parentOf(strongJob.id)]).toEqual([parent.assetId, parent.assetId]);

    const parentLayout = await lowFrequency(parent.data);
    const subtleLayout = meanAbsoluteDifference(await lowFrequency(subtle.data), parentLayout);
    const strongLayout = meanAbsoluteDifference(await lowFrequency(strong.data), parentLayout);
    const [parentDetail, subtleDetail] = [await highPass(parent.data), await highPass(subtle.data)];
    // How much of the parent's fine detail the subtle variation redrew: 0 for the same picture.
    const detailChange = meanAbsolute(subtleDetail.map((value, index) => value - parentDetail[index]!)) / meanAbsolute(parentDetail);
    console.log(`layout difference: subtle ${subtleLayout.toFixed(2)}, strong ${strongLayout.toFixed(2)}; subtle's detail changed ${detailChange.toFixed(2)}`);
    expect(subtleLayout).toBeLessThan(3);
    expect(strongLayout).toBeGreaterThan(subtleLayout * 3);
    expect(detailChange).toBeGreaterThan(0.1);

    const lineage = await get<Lineage>(alice, `/api/assets/${parent.assetId}/lineage`);
    expect(lineage.descendants.map((each) => [each.depth, each.asset.id]).sort()).toEqual(
      [
        [1, subtle.assetId],
        [1, strong.assetId],
      ].sort(),
    );
    const { recipe: recalled } = await get<{ recipe: { model: string; parentAssetId: string } }>(alice, `/api/assets/${subtle.assetId}`);
    expect(recalled).toMatchObject({ model: PAINTER, parentAssetId: parent.assetId });

    // Determinism: the subtle child's recipe, seed and grain seed and all, run again gives the same bytes.
    const again = await finished(alice, await post(alice, '/api/generate/image', { ...recipe, params: subtleJob.params }));
    expect(again.data.equals(subtle.data)).toBe(true);
  });

  it('answers a replayed Idempotency-Key with the first variation, and refuses before any credit moves', async () => {
    const parent = await finished(alice, await post(alice, '/api/generate/image', recipe));
    const key = { 'idempotency-key': `vary-${randomUUID()}` };
    const first = await post(alice, `/api/assets/${parent.assetId}/vary`, { variation: 'strong' }, key);
    const replay = await post(alice, `/api/assets/${parent.assetId}/vary`, { variation: 'strong' }, key);
    expect(first.status).toBe(202);
    expect(replay.body.job!.id).toBe(first.body.job!.id);
    const otherBody = await post(alice, `/api/assets/${parent.assetId}/vary`, { variation: 'subtle' }, key);
    expect([otherBody.status, otherBody.body.error?.code]).toEqual([422, 'idempotency_key_reused']);
    await waitForStatus(platform, first.body.job!.id, ['succeeded'], 60_000);

    const balance = await balanceOf(alice);
    const uploadId = await upload(alice, await sharp(cat).resize(64, 48).png().toBuffer());
    const ofUpload = await post(alice, `/api/assets/${uploadId}/vary`, {});
    expect([ofUpload.status, ofUpload.body.error?.code]).toEqual([400, 'asset_not_variable']);
    const stolen = await post(mallory, `/api/assets/${parent.assetId}/vary`, {});
    expect([stolen.status, stolen.body.error?.code]).toEqual([404, 'asset_not_found']);
    const nowhere = await post(alice, `/api/assets/${randomUUID()}/vary`, {});
    expect([nowhere.status, nowhere.body.error?.code]).toEqual([404, 'asset_not_found']);
    const wild = await post(alice, `/api/assets/${parent.assetId}/vary`, { variation: 'wild' });
    expect([wild.status, wild.body.error?.code]).toEqual([400, 'validation_failed']);
    expect(await balanceOf(alice)).toBe(balance);
  });
});

describe('animating a picture', () => {
  it('films an upload as an MP4 that plays, starts with the picture, and cannot vary subtly', async () => {
    const picture = await sharp(cat).resize(320, 240, { fit: 'cover' }).png().toBuffer();
    const uploadId = await upload(alice, picture);
    const answer = await post(alice, '/api/generate/video', {
      model: IMAGE_PAN,
      prompt: 'a cat, slowly',
      params: { seconds: 1, fps: 12 },
      inputs: { image: uploadId },
    });
    const video = await finished(alice, answer);
    expect(await parentOf(answer.body.job!.id)).toBe(uploadId);
    expect(await probe(video.data, signal)).toMatchObject({ codec: 'h264', width: 320, height: 240, durationSeconds: 1 });

    const frame0 = await frameOf(video.data, 0);
    const lastFrame = await frameOf(video.data, 11);
    const original = await sharp(picture).removeAlpha().raw().toBuffer();
    const firstDifference = meanAbsoluteDifference(frame0, original);
    console.log(`frame 0 against the picture ${firstDifference.toFixed(2)}, last frame ${meanAbsoluteDifference(lastFrame, original).toFixed(2)}`);
    expect(firstDifference).toBeLessThan(6);
    // The camera moved: the last frame is further from the picture than the first.
    expect(meanAbsoluteDifference(lastFrame, original)).toBeGreaterThan(firstDifference + 2);

    const subtle = await post(alice, `/api/assets/${video.assetId}/vary`, { variation: 'subtle' });
    expect([subtle.status, subtle.body.error?.code]).toEqual([400, 'variation_not_supported']);
    const { items } = await get<{ items: { id: string; variations: string[] }[] }>(alice, '/api/models');
    expect(Object.fromEntries(items.filter((m) => [PAINTER, IMAGE_PAN].includes(m.id)).map((m) => [m.id, m.variations]))).toEqual({
      [PAINTER]: ['subtle', 'strong'],
      [IMAGE_PAN]: ['strong'],
    });
  });
});
