import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestPlatform, type TestUser } from '../support/platform.ts';
import { postJson } from '../support/api.ts';
import { readStream } from '../support/sseClient.ts';

/*
 * Pro before Free, and Free never starved: one worker slot, so the order jobs start in is the
 * order the queue serves them.
 */
const PROMOTE_AFTER_MS = 1_500;
let platform: TestPlatform;
let free: TestUser;
let pro: TestUser;

beforeAll(async () => {
  platform = await TestPlatform.start({ QUEUE_POSITION_INTERVAL_MS: '200' });
  free = await platform.createUser({ plan: 'free', credits: 1_000 });
  pro = await platform.createUser({ plan: 'pro', credits: 10_000 });
});
afterAll(async () => platform?.stop());

const submit = async (user: TestUser, prompt: string, params: Record<string, unknown>) => {
  const answer = await postJson<{ job: { id: string }; streamUrl: string }>(platform, user, '/api/generate/image', { prompt, params });
  expect(answer.status).toBe(202);
  return answer.body;
};

async function startedAt(ids: string[]): Promise<Map<string, number>> {
  const { rows } = await platform.pool.query<{ id: string; started: Date }>(
    'SELECT id, started_at AS started FROM generation_jobs WHERE id = ANY($1) AND started_at IS NOT NULL',
    [ids],
  );
  return new Map(rows.map((row) => [row.id, row.started.getTime()]));
}

describe('queue priority', () => {
  it('tells a waiting job its position and wait, and moves it back when a Pro job comes in', async () => {
    const small = { width: 64, height: 64, steps: 1 };
    await submit(free, 'first', small);
    await submit(free, 'second', small);
    const third = await submit(free, 'third', small);
    const events = await readStream(platform.baseUrl + third.streamUrl, free.headers, {
      until: (_event, all) => {
        const positions = all.filter((e) => e.type === 'queue').map((e) => e.data.position);
        if (positions.length === 1) void submit(pro, 'jumps ahead', small);
        return positions.length >= 2;
      },
      timeoutMs: 10_000,
    });
    const queueEvents = events.filter((e) => e.type === 'queue').map((e) => e.data);
    expect(queueEvents[0]).toMatchObject({ position: 3 });
    expect(queueEvents[1]).toMatchObject({ position: 4 });
    expect(queueEvents.every((e) => (e.etaSeconds as number) > 0)).toBe(true);

    const estimates = await fetch(`${platform.baseUrl}/api/queue`).then(
      (r) => r.json() as Promise<{ estimates: Record<string, Record<string, { jobsAhead: number }>> }>,
    );
    expect(estimates.estimates.pro!.image!.jobsAhead).toBe(1);
    expect(estimates.estimates.free!.image!.jobsAhead).toBe(4);
  });

  it('starts a Pro job submitted after a Free backlog first', async () => {
    await platform.queueOf().obliterate({ force: true });
    await platform.pool.query(`UPDATE generation_jobs SET status = 'canceled' WHERE status = 'queued'`);
    const backlog = await Promise.all(Array.from({ length: 5 }, (_, i) => submit(free, `free ${i}`, { width: 64, height: 64, steps: 1 })));
    const late = await submit(pro, 'pro, later', { width: 64, height: 64, steps: 1 });
    const worker = await platform.startWorker({ WORKER_CONCURRENCY: '1' });
    await Promise.all(backlog.map((b) => readStream(platform.baseUrl + b.streamUrl, free.headers)));
    worker.kill('SIGTERM');

    const started = await startedAt([late.job.id, ...backlog.map((b) => b.job.id)]);
    const proStart = started.get(late.job.id)!;
    for (const job of backlog) expect(started.get(job.job.id)!).toBeGreaterThan(proStart);
  });

  it('still starts a Free job within its promised wait under a steady Pro backlog', async () => {
    // About 20 jobs of ~0.3 s each: the Pro backlog outlasts the promotion threshold several times.
    const proBacklog = await Promise.all(Array.from({ length: 20 }, (_, i) => submit(pro, `pro ${i}`, { width: 512, height: 512, steps: 12 })));
    const waiting = await submit(free, 'free, behind the Pro backlog', { width: 64, height: 64, steps: 1 });
    const submittedAt = Date.now();
    await platform.startWorker({ WORKER_CONCURRENCY: '1', QUEUE_PROMOTE_AFTER_MS: String(PROMOTE_AFTER_MS), PROMOTE_INTERVAL_MS: '200' });
    await readStream(platform.baseUrl + waiting.streamUrl, free.headers, { timeoutMs: 60_000 });

    const started = await startedAt([waiting.job.id, ...proBacklog.map((b) => b.job.id)]);
    const freeStart = started.get(waiting.job.id)!;
    const proStarts = proBacklog.map((b) => started.get(b.job.id)).filter((t): t is number => t !== undefined);
    // Started before the Pro backlog was done, not after it (jobs not started yet count as after).
    expect(proStarts.filter((t) => t > freeStart).length + (proBacklog.length - proStarts.length)).toBeGreaterThan(0);
    // Within the published bound: the threshold, a promotion tick, and the run of the job in the slot (loosely, on a shared machine).
    expect(freeStart - submittedAt).toBeLessThan(PROMOTE_AFTER_MS + 10_000);
    const row = await platform.pool.query('SELECT priority FROM generation_jobs WHERE id = $1', [waiting.job.id]);
    expect(row.rows[0].priority).toBe(0);
  });
});
