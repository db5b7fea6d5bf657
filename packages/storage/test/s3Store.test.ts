import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMMUTABLE_CACHE_CONTROL, MULTIPART_PART_BYTES, S3Store, jobObjectKey, jobPrefix } from '../src/index.ts';
import { objectStoreContract } from './support/objectStoreContract.ts';
import { startFailingFirstProxy } from './support/failingFirstProxy.ts';
import { type RunningS3Server, startS3Server } from './support/startS3Server.ts';

let server: RunningS3Server;
let store: S3Store;
/** A client of its own, to look at what the store wrote without going through the store. */
let inspector: S3Client;

beforeAll(async () => {
  server = await startS3Server();
  store = storeAt(server.endpoint);
  inspector = new S3Client({ endpoint: server.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: server.credentials });
});

afterAll(async () => {
  store?.destroy();
  inspector?.destroy();
  await server?.stop();
});

/** A store on the test bucket, reached at `endpoint` (s3rver itself, or a proxy in front of it). */
function storeAt(endpoint: string, maxAttempts?: number): S3Store {
  return new S3Store({
    bucket: server.bucket,
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: server.credentials,
    ...(maxAttempts === undefined ? {} : { maxAttempts }),
  });
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function inspect(key: string) {
  return inspector.send(new HeadObjectCommand({ Bucket: server.bucket, Key: key }));
}

describe('S3Store against s3rver', () => {
  objectStoreContract(() => store);

  it('uploads a small object in one PUT and confirms it with a HEAD', async () => {
    const key = jobObjectKey('user-1', 'job-small', 'output.png');
    const data = randomBytes(1234);

    const stored = await store.put(key, data, { contentType: 'image/png' });

    expect(stored).toEqual({ key, bytes: 1234, contentType: 'image/png' });
    expect(await store.head(key)).toEqual(stored);
    expect((await inspect(key)).CacheControl).toBe(IMMUTABLE_CACHE_CONTROL);
    expect(server.eventsFor(key)).toEqual(['ObjectCreated:Put']);
  });

  it('uploads an object above the part size as a multipart upload, byte for byte', async () => {
    const key = jobObjectKey('user-1', 'job-large', 'output.mp4');
    const data = randomBytes(2 * MULTIPART_PART_BYTES + 4321);

    const stored = await store.put(key, data, { contentType: 'video/mp4', cacheControl: 'private, max-age=60' });

    expect(stored).toEqual({ key, bytes: data.length, contentType: 'video/mp4' });
    // s3rver reports a completed multipart upload as `Post` (its ETag has no -<parts> suffix).
    expect(server.eventsFor(key)).toEqual(['ObjectCreated:Post']);
    expect((await inspect(key)).CacheControl).toBe('private, max-age=60');
    const response = await fetch(await store.signedUrl(key, 60));
    expect(response.status).toBe(200);
    expect(sha256(new Uint8Array(await response.arrayBuffer()))).toBe(sha256(data));
  });

  it('gives a presigned URL that fetch can download', async () => {
    const key = jobObjectKey('user-1', 'job-url', 'voice.mp3');
    const data = randomBytes(5000);
    await store.put(key, data, { contentType: 'audio/mpeg' });

    const url = await store.signedUrl(key, 300);

    expect(url).toContain('X-Amz-Expires=300');
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('audio/mpeg');
    expect(Buffer.from(await response.arrayBuffer())).toEqual(data);
  });

  it('refuses a presigned URL once its lifetime has passed', async () => {
    const key = jobObjectKey('user-1', 'job-expiry', 'output.png');
    await store.put(key, randomBytes(100), { contentType: 'image/png' });
    // X-Amz-Date has whole seconds: sign early in a second so "1 s" is nearly a whole second.
    while (Date.now() % 1000 > 200) await sleep(20);

    const url = await store.signedUrl(key, 1);
    const fresh = await fetch(url);
    await sleep(2100);
    const stale = await fetch(url);

    expect(fresh.status).toBe(200);
    expect(stale.status).toBe(403);
    expect(await stale.text()).toContain('Request has expired');
  });

  it('deletes a prefix holding more objects than one listing page (1,000)', async () => {
    const prefix = jobPrefix('user-3', 'job-many');
    const keys = Array.from({ length: 1005 }, (_, index) => `${prefix}frame-${String(index).padStart(4, '0')}.png`);
    for (let start = 0; start < keys.length; start += 50) {
      await Promise.all(keys.slice(start, start + 50).map((key) => inspector.send(new PutObjectCommand({ Bucket: server.bucket, Key: key, Body: 'x' }))));
    }

    await store.deletePrefix(prefix);

    expect(await store.head(keys[0]!)).toBeNull();
    expect(await store.head(keys[1004]!)).toBeNull();
  });

  it('retries an upload the server answers with 503 SlowDown, and resolves once it is stored', async () => {
    const proxy = await startFailingFirstProxy(server.endpoint, 2);
    const throughProxy = storeAt(proxy.endpoint);
    const key = jobObjectKey('user-1', 'job-retry', 'output.png');
    try {
      const stored = await throughProxy.put(key, randomBytes(300), { contentType: 'image/png' });

      expect(proxy.refused).toBe(2);
      expect(stored.bytes).toBe(300);
      expect(await store.head(key)).toEqual(stored);
    } finally {
      throughProxy.destroy();
      await proxy.stop();
    }
  });

  it('gives up and throws once every try has failed', async () => {
    const proxy = await startFailingFirstProxy(server.endpoint, 100);
    const throughProxy = storeAt(proxy.endpoint, 2);
    const key = jobObjectKey('user-1', 'job-retry', 'never.png');
    try {
      await expect(throughProxy.put(key, randomBytes(300), { contentType: 'image/png' })).rejects.toMatchObject({ name: 'SlowDown' });

      expect(proxy.refused).toBe(2);
      expect(await store.head(key)).toBeNull();
    } finally {
      throughProxy.destroy();
      await proxy.stop();
    }
  });
});

describe('S3Store with a CDN in front', () => {
  it('answers CDN URLs built from the key, segment by segment encoded', async () => {
    const cdnStore = new S3Store({
      bucket: 'unused',
      region: 'us-east-1',
      forcePathStyle: false,
      cdnBaseUrl: 'https://cdn.example.test/media/',
    });

    const url = await cdnStore.signedUrl(jobObjectKey('user-1', 'job-1', 'my file#1.png'), 900);

    expect(url).toBe('https://cdn.example.test/media/users/user-1/jobs/job-1/my%20file%231.png');
    cdnStore.destroy();
  });
});
