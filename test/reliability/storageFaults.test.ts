import { readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instantImagesCatalog } from '../support/catalogFiles.ts';
import { TestPlatform } from '../support/platform.ts';
import { creditMovesOf, expectExactLedger, historyOf, jobRow, quickImage, submit, waitFor, waitForStatus } from './support/jobs.ts';

/**
 * A real storage fault on the local disk: a plain file where the user's folder must go, so
 * every write under it fails (ENOTDIR) until the file is removed.
 */
let platform: TestPlatform;
const userIds: string[] = [];

beforeAll(async () => {
  platform = await TestPlatform.start({ ATELIER_MODELS: instantImagesCatalog() });
  await platform.startWorker();
});
afterAll(async () => {
  await expectExactLedger(platform, userIds);
  await platform?.stop();
});

async function blockStorageOf(userId: string): Promise<string> {
  const users = join(platform.env.STORAGE_LOCAL_DIR!, 'users');
  await mkdir(users, { recursive: true });
  const blocker = join(users, userId);
  await writeFile(blocker, 'not a folder');
  return blocker;
}

describe('storage faults', () => {
  it('an upload that keeps failing: retried, then failed with storage_unavailable, refunded, no asset, nothing left stored', async () => {
    const user = await platform.createUser({ credits: 100 });
    userIds.push(user.user.id);
    const blocker = await blockStorageOf(user.user.id);
    const job = await submit(platform.baseUrl, user, 'image', quickImage);
    const row = await waitForStatus(platform, job.id, ['failed', 'succeeded'], 30_000);
    expect(row).toMatchObject({ status: 'failed', error_code: 'storage_unavailable', attempts: 3 });
    expect((await creditMovesOf(platform, job.id)).map((m) => m.kind)).toEqual(['reserve', 'refund']);
    const assets = await platform.pool.query('SELECT 1 FROM workspace_assets WHERE job_id = $1', [job.id]);
    expect(assets.rows).toHaveLength(0);
    await rm(blocker);
    expect(await readdir(join(platform.env.STORAGE_LOCAL_DIR!, 'users'))).not.toContain(user.user.id);
  }, 60_000);

  it('an upload that fails for a while: the next attempt stores it, and the job succeeds only then, charged once', async () => {
    const user = await platform.createUser({ credits: 100 });
    userIds.push(user.user.id);
    const blocker = await blockStorageOf(user.user.id);
    const job = await submit(platform.baseUrl, user, 'image', quickImage);
    await waitFor('the first attempt to fail on storage', async () => (await jobRow(platform, job.id)).error_code === 'storage_unavailable', 20_000, 25);
    expect((await jobRow(platform, job.id)).status).not.toBe('succeeded');
    await rm(blocker);
    const row = await waitForStatus(platform, job.id, ['succeeded', 'failed'], 30_000);
    expect(row.status).toBe('succeeded');
    expect((await historyOf(platform, job.id)).map((h) => h.outcome)).toEqual(['retrying', 'succeeded']);
    expect((await creditMovesOf(platform, job.id)).map((m) => m.kind)).toEqual(['reserve', 'charge']);
    const stored = await platform.pool.query<{ storage_key: string }>('SELECT storage_key FROM workspace_assets WHERE job_id = $1', [job.id]);
    expect(stored.rows[0]!.storage_key).toMatch(/\/a2-output\.png$/);
  }, 60_000);
});
