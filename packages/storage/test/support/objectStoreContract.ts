import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { type ObjectStore, jobObjectKey, jobPrefix } from '../../src/index.ts';

/**
 * What every driver must do alike, so that switching STORAGE_DRIVER changes where bytes live and
 * nothing else. Call inside a `describe`; `store()` returns the driver under test, ready to use.
 * Each driver's own test file adds what only that driver has.
 */
export function objectStoreContract(store: () => ObjectStore): void {
  const put = (key: string, bytes = 10) => store().put(key, randomBytes(bytes), { contentType: 'image/png' });

  it('puts an object and reports it with head', async () => {
    const key = jobObjectKey('contract-user', 'job-put', 'output.png');

    const stored = await put(key, 1234);

    expect(stored).toEqual({ key, bytes: 1234, contentType: 'image/png' });
    expect(await store().head(key)).toEqual(stored);
  });

  it('replaces an object that is put again', async () => {
    const key = jobObjectKey('contract-user', 'job-replace', 'output.png');
    await put(key);

    await store().put(key, Buffer.from('second'), { contentType: 'image/webp' });

    expect(await store().head(key)).toEqual({ key, bytes: 6, contentType: 'image/webp' });
  });

  it('answers null for a head of a missing key', async () => {
    expect(await store().head(jobObjectKey('contract-user', 'job-none', 'nothing.png'))).toBeNull();
  });

  it('deletes an object, and deleting it again is no error', async () => {
    const key = jobObjectKey('contract-user', 'job-delete', 'output.png');
    await put(key);

    await store().delete(key);
    await store().delete(key);

    expect(await store().head(key)).toBeNull();
  });

  it("deletes a job's prefix without touching a job whose id starts the same", async () => {
    const doomed = ['a.png', 'b.png', 'c.mp4'].map((name) => jobObjectKey('contract-user', 'job-1', name));
    const kept = jobObjectKey('contract-user', 'job-10', 'a.png');
    for (const key of [...doomed, kept]) await put(key);

    await store().deletePrefix(jobPrefix('contract-user', 'job-1'));

    for (const key of doomed) expect(await store().head(key)).toBeNull();
    expect(await store().head(kept)).not.toBeNull();
  });

  it('treats a prefix without a trailing slash as a string prefix, as S3 does', async () => {
    const jobs = ['job-5', 'job-50', 'job-6'].map((job) => jobObjectKey('contract-user', job, 'a.png'));
    const frames = ['frame-1.png', 'frame-2.png', 'poster.png'].map((name) => jobObjectKey('contract-user', 'job-7', name));
    for (const key of [...jobs, ...frames]) await put(key);

    await store().deletePrefix('users/contract-user/jobs/job-5');
    await store().deletePrefix(`${jobPrefix('contract-user', 'job-7')}frame-`);

    expect(await Promise.all(jobs.map((key) => store().head(key)))).toMatchObject([null, null, { key: jobs[2] }]);
    expect(await Promise.all(frames.map((key) => store().head(key)))).toMatchObject([null, null, { key: frames[2] }]);
  });

  it('deletes a prefix that matches nothing without complaint, and refuses an empty one', async () => {
    await store().deletePrefix(jobPrefix('nobody', 'nothing'));

    await expect(store().deletePrefix('')).rejects.toMatchObject({ code: 'bad_request' });
  });

  it.each([
    ['a parent segment', 'users/../../etc/passwd'],
    ['a parent segment at the end', 'users/..'],
    ['an absolute path', '/etc/passwd'],
    ['a backslash', 'users\\..\\secret'],
    ['an empty segment', 'users//file'],
    ['a NUL byte', 'users/file\u0000.png'],
  ])('refuses a key with %s', async (_, key) => {
    await expect(store().put(key, Buffer.from('x'), { contentType: 'text/plain' })).rejects.toMatchObject({ code: 'bad_request' });
    await expect(store().head(key)).rejects.toMatchObject({ code: 'bad_request' });
    await expect(store().delete(key)).rejects.toMatchObject({ code: 'bad_request' });
    await expect(store().signedUrl(key, 60)).rejects.toMatchObject({ code: 'bad_request' });
  });

  it('refuses a prefix that climbs out of its folder', async () => {
    await expect(store().deletePrefix('../')).rejects.toMatchObject({ code: 'bad_request' });
    await expect(store().deletePrefix('users/../..')).rejects.toMatchObject({ code: 'bad_request' });
  });

  it('refuses a link lifetime that is not a positive whole number of seconds', async () => {
    const key = jobObjectKey('contract-user', 'job-link', 'a.png');
    await expect(store().signedUrl(key, 0)).rejects.toThrow(RangeError);
    await expect(store().signedUrl(key, 1.5)).rejects.toThrow(RangeError);
  });
}
