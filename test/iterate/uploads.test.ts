import { readdir } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { isBlurhashValid } from 'blurhash';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentedFetch } from '../support/documentedAnswers.ts';
import { TestPlatform, type TestUser } from '../support/platform.ts';

let platform: TestPlatform;
let alice: TestUser;
let mallory: TestUser;

beforeAll(async () => {
  platform = await TestPlatform.start();
  [alice, mallory] = await Promise.all([platform.createUser({ credits: 100 }), platform.createUser({ credits: 100 })]);
});
afterAll(async () => platform?.stop());

interface Answer {
  status: number;
  body: { asset?: Record<string, unknown>; error?: { code: string; message: string } };
}

async function upload(user: TestUser, data: Buffer, name = 'picture.png', type = 'image/png', field = 'file'): Promise<Answer> {
  const form = new FormData();
  form.append(field, new Blob([new Uint8Array(data)], { type }), name);
  const response = await documentedFetch(`${platform.baseUrl}/api/uploads`, { method: 'POST', headers: user.headers, body: form });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

const picture = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 90, b: 40 } } }).composite([
    { input: { create: { width: Math.ceil(width / 2), height, channels: 3, background: { r: 20, g: 40, b: 160 } } }, left: 0, top: 0 },
  ]);

/** A valid PNG whose header claims another size: a few hundred bytes that would decode to gigabytes. */
function withClaimedSize(png: Buffer, width: number, height: number): Buffer {
  const bomb = Buffer.from(png);
  // The IHDR chunk: length (4) and type (4) after the 8-byte signature, then width and height.
  bomb.writeUInt32BE(width, 16);
  bomb.writeUInt32BE(height, 20);
  bomb.writeUInt32BE(crc32(bomb.subarray(12, 29)), 29);
  return bomb;
}

async function storedFiles(): Promise<string[]> {
  const entries = await readdir(platform.env.STORAGE_LOCAL_DIR!, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile() && !entry.name.endsWith('.json')).map((entry) => entry.name);
}

async function assetCount(user: TestUser): Promise<number> {
  const { rows } = await platform.pool.query('SELECT count(*)::int AS n FROM workspace_assets WHERE user_id = $1', [user.user.id]);
  return rows[0].n;
}

describe('POST /api/uploads', () => {
  it('keeps a PNG as an image asset of source upload, with its BlurHash, and costs nothing', async () => {
    const png = await picture(320, 200).png().toBuffer();
    const { status, body } = await upload(alice, png);
    expect(status).toBe(201);
    expect(body.asset).toMatchObject({ source: 'upload', kind: 'image', jobId: null, contentType: 'image/png', width: 320, height: 200 });
    expect(isBlurhashValid(body.asset!.blurhash as string).result).toBe(true);

    const content = await fetch(new URL(body.asset!.url as string, platform.baseUrl), { headers: alice.headers });
    expect(content.status).toBe(200);
    const kept = await sharp(Buffer.from(await content.arrayBuffer())).metadata();
    expect(kept).toMatchObject({ format: 'png', width: 320, height: 200 });
    const { rows } = await platform.pool.query('SELECT credits FROM users WHERE id = $1', [alice.user.id]);
    expect(rows[0].credits).toBe(100);
  });

  it('turns a JPEG upright from its EXIF orientation and keeps none of its metadata', async () => {
    // Stored 120×80 and marked "turn a quarter clockwise": it shows 80×120.
    const jpeg = await picture(120, 80)
      .jpeg()
      .withMetadata({ orientation: 6 })
      .withExif({ IFD0: { Artist: 'someone', Copyright: 'private' } })
      .toBuffer();
    const { status, body } = await upload(alice, jpeg, 'photo.jpg', 'image/jpeg');
    expect(status).toBe(201);
    expect(body.asset).toMatchObject({ contentType: 'image/jpeg', width: 80, height: 120 });
    const content = await fetch(new URL(body.asset!.url as string, platform.baseUrl), { headers: alice.headers });
    const kept = await sharp(Buffer.from(await content.arrayBuffer())).metadata();
    expect(kept).toMatchObject({ format: 'jpeg', width: 80, height: 120 });
    expect(kept.orientation).toBeUndefined();
    expect(kept.exif).toBeUndefined();
  });

  it('refuses what is not a whole PNG, JPEG or WebP picture of at most 4096² and 20 MB, keeping nothing', async () => {
    const png = await picture(64, 64).png().toBuffer();
    const filesBefore = await storedFiles();
    const cases: [string, Promise<Answer>, number, string][] = [
      ['text', upload(mallory, Buffer.from('just some words'), 'notes.txt', 'text/plain'), 400, 'upload_not_image'],
      ['HTML named .png', upload(mallory, Buffer.from('<!doctype html><script>alert(1)</script>'), 'x.png'), 400, 'upload_not_image'],
      [
        'SVG named .png',
        upload(mallory, Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'), 'x.png'),
        400,
        'upload_not_image',
      ],
      ['GIF', upload(mallory, await sharp(png).gif().toBuffer(), 'x.gif', 'image/gif'), 400, 'upload_not_image'],
      ['truncated PNG', upload(mallory, png.subarray(0, Math.floor(png.length * 0.6))), 400, 'upload_corrupt'],
      ['decompression bomb', upload(mallory, withClaimedSize(png, 30_000, 30_000)), 413, 'image_too_large'],
      ['4097 wide', upload(mallory, await picture(4097, 8).png().toBuffer()), 413, 'image_too_large'],
      ['over 20 MB', upload(mallory, Buffer.concat([png, Buffer.alloc(20 * 1024 * 1024)])), 413, 'upload_too_large'],
      ['another field', upload(mallory, png, 'x.png', 'image/png', 'picture'), 400, 'validation_failed'],
    ];
    for (const [name, answer, status, code] of cases) {
      const { status: got, body } = await answer;
      expect({ name, status: got, code: body.error?.code }).toEqual({ name, status, code });
      expect(body.error?.message.length).toBeGreaterThan(0);
    }
    const json = await documentedFetch(`${platform.baseUrl}/api/uploads`, {
      method: 'POST',
      headers: { ...mallory.headers, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(json.status).toBe(415);
    expect(await assetCount(mallory)).toBe(0);
    expect(await storedFiles()).toEqual(filesBefore);
  });

  it("answers 404 for another user's upload, and its owner's delete removes the file", async () => {
    const { body } = await upload(alice, await picture(48, 48).webp().toBuffer(), 'x.webp', 'image/webp');
    const asset = body.asset!;
    expect(asset.contentType).toBe('image/webp');
    for (const path of [`/api/assets/${asset.id}`, `/api/assets/${asset.id}/content`, `/api/assets/${asset.id}/lineage`]) {
      const response = await documentedFetch(platform.baseUrl + path, { headers: mallory.headers, redirect: 'manual' });
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
    }
    const own = await documentedFetch(`${platform.baseUrl}/api/assets/${asset.id}`, { headers: alice.headers });
    expect(await own.json()).toMatchObject({ asset: { id: asset.id, source: 'upload' }, recipe: null });

    const filesBefore = await storedFiles();
    expect((await documentedFetch(`${platform.baseUrl}/api/assets/${asset.id}`, { method: 'DELETE', headers: mallory.headers })).status).toBe(404);
    expect((await documentedFetch(`${platform.baseUrl}/api/assets/${asset.id}`, { method: 'DELETE', headers: alice.headers })).status).toBe(204);
    expect(await storedFiles()).toHaveLength(filesBefore.length - 1);
  });

  it('needs a signed-in user', async () => {
    const response = await documentedFetch(`${platform.baseUrl}/api/uploads`, { method: 'POST', body: new FormData() });
    expect(response.status).toBe(401);
  });
});
