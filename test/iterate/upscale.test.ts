import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestPlatform, type TestUser } from '../support/platform.ts';
import { uploadPicture } from './support/uploadPicture.ts';
import { creditMovesOf, waitForStatus } from '../reliability/support/jobs.ts';

const X2 = 'atelier/esrgan-x2';
const X4 = 'atelier/esrgan-x4';
const VOICE = 'atelier/espeak-voice';
const cat = new URL('../../packages/engines/test/fixtures/chelsea-cat.jpg', import.meta.url).pathname;

let platform: TestPlatform;
let alice: TestUser;
let mallory: TestUser;

beforeAll(async () => {
  platform = await TestPlatform.start();
  [alice, mallory] = await Promise.all([platform.createUser({ credits: 100 }), platform.createUser({ credits: 100 })]);
  await platform.startWorker({ WORKER_MODELS: `${X2},${VOICE}`, UPSCALE_THREADS: '1' });
});
afterAll(async () => platform?.stop());

const upload = (user: TestUser, data: Buffer) => uploadPicture(platform, user, data);

async function submit(user: TestUser, body: Record<string, unknown>) {
  const response = await fetch(`${platform.baseUrl}/api/generate/image`, {
    method: 'POST',
    headers: { ...user.headers, 'content-type': 'application/json' },
    body: JSON.stringify({ prompt: 'upscale it', ...body }),
  });
  return { status: response.status, body: (await response.json()) as { job?: { id: string; cost: number }; error?: { code: string; message: string } } };
}

async function get<T>(user: TestUser, path: string): Promise<T> {
  const response = await fetch(platform.baseUrl + path, { headers: user.headers });
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

const balanceOf = async (user: TestUser) => (await get<{ balance: number }>(user, '/api/credits')).balance;
const jobCountOf = async (user: TestUser) =>
  (await platform.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM generation_jobs WHERE user_id = $1', [user.user.id])).rows[0]!.n;

type Lineage = { ancestors: { depth: number; asset: { id: string } }[]; descendants: { depth: number; asset: { id: string } }[] };

describe('upscaling an upload with ESRGAN through the API', () => {
  it('makes the picture twice as wide and tall, charges the price of its output megapixels once, and records the upload as its parent', async () => {
    const uploadId = await upload(alice, await sharp(cat).resize(200, 150).png().toBuffer());
    const before = await balanceOf(alice);
    const { status, body } = await submit(alice, { model: X2, inputs: { image: uploadId } });
    expect(status).toBe(202);
    // 1 + ⌈(400 × 300) / 10⁶ × 6⌉ = 2, from the input's size times 2 (not from any width in params).
    expect(body.job!.cost).toBe(2);
    const jobId = body.job!.id;
    const { rows } = await platform.pool.query('SELECT inputs, parent_asset_id FROM generation_jobs WHERE id = $1', [jobId]);
    expect(rows[0]).toEqual({ inputs: { image: uploadId }, parent_asset_id: uploadId });

    await waitForStatus(platform, jobId, ['succeeded', 'failed'], 60_000);
    expect((await waitForStatus(platform, jobId, ['succeeded'])).status).toBe('succeeded');
    expect(await balanceOf(alice)).toBe(before - 2);
    expect((await creditMovesOf(platform, jobId)).map((move) => [move.kind, move.amount])).toEqual([
      ['reserve', -2],
      ['charge', 0],
    ]);

    const asset = (await platform.pool.query<{ id: string }>('SELECT id FROM workspace_assets WHERE job_id = $1', [jobId])).rows[0]!;
    const content = await fetch(`${platform.baseUrl}/api/assets/${asset.id}/content`, { headers: alice.headers });
    expect(content.status).toBe(200);
    const measured = await sharp(Buffer.from(await content.arrayBuffer())).metadata();
    expect([measured.format, measured.width, measured.height]).toEqual(['png', 400, 300]);

    const up = await get<Lineage>(alice, `/api/assets/${asset.id}/lineage`);
    expect(up.ancestors.map((each) => [each.depth, each.asset.id])).toEqual([[1, uploadId]]);
    const down = await get<Lineage>(alice, `/api/assets/${uploadId}/lineage`);
    expect(down.descendants.map((each) => [each.depth, each.asset.id])).toEqual([[1, asset.id]]);
  });

  it('refuses, before any credit moves: a sound for a picture, another user’s asset (404), an output past 4096 px, an input to a model that takes none, a missing input', async () => {
    const mallorys = await upload(mallory, await sharp(cat).resize(64, 48).png().toBuffer());
    const wide = await upload(alice, await sharp(cat).resize(1100, 60, { fit: 'fill' }).png().toBuffer());
    const small = await upload(alice, await sharp(cat).resize(64, 48).png().toBuffer());
    const spoken = await fetch(`${platform.baseUrl}/api/generate/voice`, {
      method: 'POST',
      headers: { ...alice.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'Hello.', params: { format: 'wav' } }),
    });
    const voiceJob = ((await spoken.json()) as { job: { id: string } }).job.id;
    await waitForStatus(platform, voiceJob, ['succeeded']);
    const voice = (await platform.pool.query<{ id: string }>('SELECT id FROM workspace_assets WHERE job_id = $1', [voiceJob])).rows[0]!.id;
    const [balance, jobs] = [await balanceOf(alice), await jobCountOf(alice)];

    const notImage = await submit(alice, { model: X2, inputs: { image: voice } });
    expect([notImage.status, notImage.body.error?.code]).toEqual([400, 'input_not_image']);

    const stolen = await submit(alice, { model: X2, inputs: { image: mallorys } });
    expect([stolen.status, stolen.body.error?.code]).toEqual([404, 'asset_not_found']);
    // The other's asset answers exactly as one that never existed: nothing of it is told.
    const nowhere = randomUUID();
    const never = await submit(alice, { model: X2, inputs: { image: nowhere } });
    expect(JSON.stringify(stolen.body).replace(mallorys, '?')).toBe(JSON.stringify(never.body).replace(nowhere, '?'));
    const tooLarge = await submit(alice, { model: X4, inputs: { image: wide } });
    expect([tooLarge.status, tooLarge.body.error?.code]).toEqual([400, 'output_too_large']);
    expect(tooLarge.body.error?.message).toContain('4400×240');
    const notTaken = await submit(alice, { inputs: { image: small } });
    expect([notTaken.status, notTaken.body.error?.code]).toEqual([400, 'input_not_accepted']);
    expect(notTaken.body.error?.message).toContain('inputs.image');
    const missing = await submit(alice, { model: X2 });
    expect([missing.status, missing.body.error?.code]).toEqual([400, 'input_required']);
    const unknownName = await submit(alice, { model: X2, inputs: { image: small, mask: small } });
    expect([unknownName.status, unknownName.body.error?.code]).toEqual([400, 'input_not_accepted']);

    expect(await balanceOf(alice)).toBe(balance);
    expect(await jobCountOf(alice)).toBe(jobs);
  });
});
