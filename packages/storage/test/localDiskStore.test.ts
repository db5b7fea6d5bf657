import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalDiskStore, jobObjectKey, jobPrefix, verifySignedRequest } from '../src/index.ts';
import { objectStoreContract } from './support/objectStoreContract.ts';

const SECRET = 'a-test-signing-secret-of-some-length';
let directory: string;
let store: LocalDiskStore;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'atelier-local-store-'));
  store = new LocalDiskStore({ directory: join(directory, 'objects'), publicUrl: 'http://localhost:3000/', signingSecret: SECRET });
});

afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** What the API's `/files/*` route would read from a link: the key from the path, the rest from the query. */
function requestFrom(link: string) {
  const url = new URL(link);
  const key = decodeURIComponent(url.pathname.replace(/^\/files\//, ''));
  return { key, expires: url.searchParams.get('expires') ?? '', signature: url.searchParams.get('signature') ?? '' };
}

describe('LocalDiskStore', () => {
  objectStoreContract(() => store);

  it('opens an object for reading with its size, content type and cache control', async () => {
    const key = jobObjectKey('user-1', 'job-1', 'voice.wav');
    const data = randomBytes(70_000);
    await store.put(key, data, { contentType: 'audio/wav', cacheControl: 'private, max-age=60' });

    const opened = await store.openRead(key);

    expect(opened.bytes).toBe(70_000);
    expect(opened.contentType).toBe('audio/wav');
    expect(opened.cacheControl).toBe('private, max-age=60');
    expect(await buffer(opened.stream)).toEqual(data);
  });

  it('answers not_found when opening a missing key', async () => {
    await expect(store.openRead(jobObjectKey('user-1', 'job-1', 'missing.png'))).rejects.toMatchObject({ code: 'not_found' });
  });

  it('leaves no temporary files behind after a put', async () => {
    await store.put(jobObjectKey('user-1', 'job-1', 'output.png'), randomBytes(10), { contentType: 'image/png' });
    await store.put(jobObjectKey('user-1', 'job-1', 'poster.png'), randomBytes(10), { contentType: 'image/webp' });

    const files = await readdir(join(directory, 'objects', jobPrefix('user-1', 'job-1')));

    expect(files.sort()).toEqual(['output.png', 'poster.png', 'poster.png.meta.json']);
  });

  it('keeps a sidecar only for what the name does not say: another type, no extension, a cache control', async () => {
    const objects = join(directory, 'objects', jobPrefix('user-1', 'job-1'));
    const puts = [
      { name: 'output.png', contentType: 'image/png' },
      { name: 'voice.wav', contentType: 'audio/x-wav' },
      { name: 'notes', contentType: 'text/plain' },
      { name: 'clip.mp4', contentType: 'video/mp4', cacheControl: 'private, max-age=60' },
    ];
    for (const put of puts) await store.put(jobObjectKey('user-1', 'job-1', put.name), Buffer.from(put.name), put);

    expect((await readdir(objects)).filter((file) => file.endsWith('.meta.json')).sort()).toEqual([
      'clip.mp4.meta.json',
      'notes.meta.json',
      'voice.wav.meta.json',
    ]);
    for (const put of puts) {
      const opened = await store.openRead(jobObjectKey('user-1', 'job-1', put.name));
      opened.stream.destroy();
      expect({ name: put.name, contentType: opened.contentType, cacheControl: opened.cacheControl }).toEqual({ cacheControl: undefined, ...put });
    }
  });

  it('drops the sidecar of the object it replaces when the new one needs none', async () => {
    const key = jobObjectKey('user-1', 'job-1', 'output.png');
    await store.put(key, Buffer.from('first'), { contentType: 'image/webp' });

    await store.put(key, Buffer.from('second'), { contentType: 'image/png' });

    expect(await store.head(key)).toEqual({ key, bytes: 6, contentType: 'image/png' });
    expect(await readdir(join(directory, 'objects', jobPrefix('user-1', 'job-1')))).toEqual(['output.png']);
  });

  it('answers null for a key under another object, where a folder would have to be a file', async () => {
    await store.put('users/user-1/file', Buffer.from('x'), { contentType: 'text/plain' });

    expect(await store.head('users/user-1/file/below')).toBeNull();
  });

  it('refuses a key that would collide with the metadata file of another', async () => {
    const key = 'users/file.png.meta.json';
    await expect(store.put(key, Buffer.from('x'), { contentType: 'text/plain' })).rejects.toMatchObject({ code: 'bad_request' });
    await expect(store.openRead(key)).rejects.toMatchObject({ code: 'bad_request' });
    await expect(store.signedUrl(key, 60)).rejects.toMatchObject({ code: 'bad_request' });
  });
});

describe('LocalDiskStore signed URLs', () => {
  const key = jobObjectKey('user-1', 'job-1', 'my picture.png');

  it('builds a /files/ link under PUBLIC_URL that verifies with the same secret', async () => {
    const before = Math.floor(Date.now() / 1000);

    const link = await store.signedUrl(key, 900);

    expect(link).toMatch(/^http:\/\/localhost:3000\/files\/users\/user-1\/jobs\/job-1\/my%20picture\.png\?expires=\d+&signature=[\w-]{43}$/);
    const request = requestFrom(link);
    expect(request.key).toBe(key);
    expect(Number(request.expires) - before).toBeGreaterThanOrEqual(900);
    expect(() => verifySignedRequest(request, SECRET)).not.toThrow();
  });

  it('refuses a link once its lifetime has passed, as link_expired', async () => {
    const request = requestFrom(await store.signedUrl(key, 60));
    const later = new Date((Number(request.expires) + 1) * 1000);

    expect(() => verifySignedRequest(request, SECRET, later)).toThrow(expect.objectContaining({ code: 'link_expired' }));
  });

  it('refuses tampered links as link_invalid', async () => {
    const request = requestFrom(await store.signedUrl(key, 60));
    const otherKey = jobObjectKey('user-2', 'job-1', 'my picture.png');
    const flipped = `${request.signature[0] === 'A' ? 'B' : 'A'}${request.signature.slice(1)}`;
    const tampered = [
      { ...request, key: otherKey },
      { ...request, expires: String(Number(request.expires) + 3600) },
      { ...request, signature: flipped },
      { ...request, signature: `${request.signature}A` },
      { ...request, signature: '' },
      { ...request, expires: 'soon' },
    ];

    for (const forged of tampered) {
      expect(() => verifySignedRequest(forged, SECRET)).toThrow(expect.objectContaining({ code: 'link_invalid' }));
    }
    expect(() => verifySignedRequest(request, 'another-secret-entirely')).toThrow(expect.objectContaining({ code: 'link_invalid' }));
  });

  it('says link_invalid, not link_expired, for a forged link that has also expired', async () => {
    const request = requestFrom(await store.signedUrl(key, 60));
    const later = new Date((Number(request.expires) + 1) * 1000);

    expect(() => verifySignedRequest({ ...request, key: 'users/x' }, SECRET, later)).toThrow(expect.objectContaining({ code: 'link_invalid' }));
  });
});
