import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instantImagesCatalog } from '../support/catalogFiles.ts';
import { TestPlatform, type TestUser } from '../support/platform.ts';
import { TcpProxy } from '../support/tcpProxy.ts';
import { expectExactLedger, quickImage, submit, waitFor, waitForStatus } from './support/jobs.ts';

/**
 * PostgreSQL is shared by every test and cannot be stopped: an API process reaches it through
 * a TCP proxy this test cuts instead.
 */
let platform: TestPlatform;
let proxy: TcpProxy;
let user: TestUser;
let api: { baseUrl: string };

beforeAll(async () => {
  platform = await TestPlatform.start({ ATELIER_MODELS: instantImagesCatalog() });
  const target = new URL(platform.env.DATABASE_URL!);
  proxy = await TcpProxy.start(target.hostname, Number(target.port || 5432));
  api = await platform.startApiProcess({ DATABASE_URL: proxy.urlFor(platform.env.DATABASE_URL!) });
  await platform.startWorker();
  user = await platform.createUser({ credits: 100 });
});
afterAll(async () => {
  await expectExactLedger(platform, [user.user.id]);
  await platform?.stop();
  await proxy?.close();
});

describe('the database out of reach', () => {
  it('submits answer 503 database_unavailable with nothing half-done, and work resumes when it is back', async () => {
    const before = await submit(api.baseUrl, user, 'image', quickImage);
    await waitForStatus(platform, before.id, ['succeeded']);
    const counts = async () =>
      (
        await platform.pool.query<{ jobs: number; moves: number; credits: number }>(
          `SELECT (SELECT count(*)::int FROM generation_jobs) AS jobs, (SELECT count(*)::int FROM credit_transactions) AS moves,
              (SELECT credits FROM users WHERE id = $1) AS credits`,
          [user.user.id],
        )
      ).rows[0];
    const snapshot = await counts();

    proxy.cut();
    try {
      const refused = await fetch(`${api.baseUrl}/api/generate/image`, {
        method: 'POST',
        headers: { ...user.headers, 'content-type': 'application/json' },
        body: JSON.stringify(quickImage),
      });
      expect(refused.status).toBe(503);
      expect(await refused.json()).toMatchObject({ error: { code: 'database_unavailable' } });
      expect((await fetch(`${api.baseUrl}/readyz`)).status).toBe(503);
      expect(await counts()).toEqual(snapshot);
      expect(await platform.queueJobIds()).toHaveLength(1);
    } finally {
      proxy.restore();
    }
    const after = await waitFor('a submit to be accepted again', () => submit(api.baseUrl, user, 'image', quickImage).catch(() => undefined), 20_000, 250);
    expect((await waitForStatus(platform, after.id, ['succeeded', 'failed'])).status).toBe('succeeded');
  }, 60_000);
});
