import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, TestPlatform, type TestUser } from '../support/platform.ts';
import { scrape, sampleValue } from './support/prometheusText.ts';

let platform: TestPlatform;
let admin: TestUser;
let alice: TestUser;
let workerMetricsUrl: string;

beforeAll(async () => {
  platform = await TestPlatform.start({ ADMIN_EMAILS: ' someone@example.com, Ops@Example.com ' });
  const port = await freePort();
  // One slot to begin with; the override is polled every 200 ms.
  await platform.startWorker({
    WORKER_CONCURRENCY: '1',
    WORKER_SETTINGS_POLL_MS: '200',
    WORKER_METRICS_PORT: String(port),
    WORKER_METRICS_HOST: '127.0.0.1',
  });
  workerMetricsUrl = `http://127.0.0.1:${port}/metrics`;
  admin = await platform.createUser({ email: 'ops@example.com' });
  alice = await platform.createUser({ credits: 10_000 });
});
afterAll(async () => platform?.stop());

async function call(user: TestUser | null, method: string, path: string, body?: unknown) {
  const headers: Record<string, string> = { ...(user?.headers ?? {}) };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(platform.baseUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function submitImage(params: Record<string, unknown> = { width: 512, height: 512, steps: 20, seed: 5 }): Promise<string> {
  const { status, body } = await call(alice, 'POST', '/api/generate/image', { prompt: 'a windmill in fog', params });
  expect(status).toBe(202);
  return (body.job as { id: string }).id;
}

const statusOf = async (jobId: string) =>
  (await platform.pool.query<{ status: string }>('SELECT status FROM generation_jobs WHERE id = $1', [jobId])).rows[0]!.status;

/** Polls the database while the jobs run: the most that were running at the same moment. */
async function mostRunningAtOnce(jobIds: string[]): Promise<number> {
  let most = 0;
  const deadline = Date.now() + 45_000;
  for (;;) {
    const { rows } = await platform.pool.query<{ status: string }>('SELECT status FROM generation_jobs WHERE id = ANY($1)', [jobIds]);
    most = Math.max(most, rows.filter((row) => row.status === 'running').length);
    if (rows.every((row) => row.status === 'succeeded')) return most;
    if (Date.now() > deadline) throw new Error(`jobs did not finish: ${rows.map((row) => row.status).join(',')}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('queue admin API', () => {
  it('refuses callers who are not admins', async () => {
    expect((await call(null, 'GET', '/api/admin/queue')).status).toBe(401);
    const refused = await call(alice, 'GET', '/api/admin/queue');
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: { code: 'forbidden' } });
    expect((await call(alice, 'POST', '/api/admin/queue/pause')).status).toBe(403);
    expect((await call(alice, 'PUT', '/api/admin/queue/concurrency', { perWorker: 5 })).status).toBe(403);
    expect(await platform.queueOf().isPaused()).toBe(false);
  });

  it('shows the queue: counts per state and priority, workers, override', async () => {
    const { status, body } = await call(admin, 'GET', '/api/admin/queue');
    expect(status).toBe(200);
    expect(body).toMatchObject({ paused: false, counts: { waiting: 0, prioritized: 0, active: 0 }, workerConcurrency: { override: null } });
    expect(body.waitingByPriority).toEqual(
      expect.arrayContaining([
        { priority: 10, plan: 'free', count: 0 },
        { priority: 1, plan: 'pro', count: 0 },
        { priority: 0, plan: 'promoted', count: 0 },
      ]),
    );
    const workers = body.workers as { id: string }[];
    expect(workers).toHaveLength(1);
    // The worker's id, as its job rows and logs name it (host:pid:suffix).
    expect(workers[0]!.id).toMatch(/^[^:]+:\d+:[0-9a-f]{6}$/);
  });

  it('pauses: a submitted job stays waiting until the queue is resumed', async () => {
    const paused = await call(admin, 'POST', '/api/admin/queue/pause');
    expect(paused).toEqual({ status: 200, body: { paused: true } });
    const jobId = await submitImage({ width: 64, height: 64, steps: 1, seed: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await statusOf(jobId)).toBe('queued');
    const view = await call(admin, 'GET', '/api/admin/queue');
    expect(view.body.paused).toBe(true);
    expect(view.body.waitingByPriority).toContainEqual({ priority: 10, plan: 'free', count: 1 });
    expect(sampleValue(await scrape(`${platform.baseUrl}/metrics`), 'atelier_queue_paused')).toBe(1);

    expect(await call(admin, 'POST', '/api/admin/queue/resume')).toEqual({ status: 200, body: { paused: false } });
    await expect.poll(() => statusOf(jobId), { timeout: 20_000, interval: 100 }).toBe('succeeded');
  });

  it('changes worker concurrency at runtime, without a restart', async () => {
    const workerConcurrency = async () => sampleValue(await scrape(workerMetricsUrl), 'atelier_worker_concurrency');
    expect(await workerConcurrency()).toBe(1);
    await call(admin, 'POST', '/api/admin/queue/pause');
    const before = [await submitImage(), await submitImage()];
    await call(admin, 'POST', '/api/admin/queue/resume');
    expect(await mostRunningAtOnce(before)).toBe(1);

    const set = await call(admin, 'PUT', '/api/admin/queue/concurrency', { perWorker: 3 });
    expect(set).toEqual({ status: 200, body: { workerConcurrency: { override: 3 } } });
    await expect.poll(workerConcurrency, { timeout: 5_000, interval: 100 }).toBe(3);
    await call(admin, 'POST', '/api/admin/queue/pause');
    const after = [await submitImage(), await submitImage(), await submitImage()];
    await call(admin, 'POST', '/api/admin/queue/resume');
    expect(await mostRunningAtOnce(after)).toBe(3);

    expect((await call(admin, 'PUT', '/api/admin/queue/concurrency', { perWorker: 0 })).status).toBe(400);
    expect((await call(admin, 'PUT', '/api/admin/queue/concurrency', { perWorker: null })).body).toEqual({ workerConcurrency: { override: null } });
    await expect.poll(workerConcurrency, { timeout: 5_000, interval: 100 }).toBe(1);
    expect((await call(admin, 'GET', '/api/admin/queue')).body.workerConcurrency).toEqual({ override: null });
  });
});
