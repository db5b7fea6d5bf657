import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson } from '../support/api.ts';
import { catalogFile } from '../support/catalogFiles.ts';
import { TestPlatform, type TestUser } from '../support/platform.ts';
import { jobRow, waitFor } from '../reliability/support/jobs.ts';

const instant = (id: string) => ({ id, kind: 'image', engine: 'instant', name: id, description: 'One colour at once.' });
const [A, B, C, UNSERVED] = ['test/instant-a', 'test/instant-b', 'test/instant-c', 'test/instant-unserved'];

let platform: TestPlatform;
let user: TestUser;
beforeAll(async () => {
  platform = await TestPlatform.start({ ATELIER_MODELS: catalogFile([instant(A), instant(B), instant(C), instant(UNSERVED)]) });
  user = await platform.createUser({ plan: 'pro', credits: 10_000 });
});
afterAll(() => platform?.stop());

async function submitMany(model: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const { status, body } = await postJson<{ job: { id: string } }>(platform, user, '/api/generate/image', { prompt: `job ${i}`, model });
    expect(status).toBe(202);
    ids.push(body.job.id);
  }
  return ids;
}

const attemptsOf = async (ids: string[]) =>
  (
    await platform.pool.query<{ job_id: string; worker_id: string; claimed_at: Date; ended_at: Date }>(
      'SELECT job_id, worker_id, claimed_at, ended_at FROM job_history WHERE job_id = ANY($1) ORDER BY claimed_at',
      [ids],
    )
  ).rows;

describe('routing by model', () => {
  it('two workers on one queue prefix each take only the jobs of their own models; a model nobody serves waits', async () => {
    // Queued before any worker runs, so both workers find jobs of both models waiting.
    const jobs = { [A]: await submitMany(A, 6), [B]: await submitMany(B, 6), [C]: await submitMany(C, 6), [UNSERVED]: await submitMany(UNSERVED, 2) };
    const [first, second] = await Promise.all([
      platform.startWorker({ WORKER_MODELS: `${A},${C}`, WORKER_CONCURRENCY: '1' }),
      platform.startWorker({ WORKER_MODELS: B, WORKER_CONCURRENCY: '2' }),
    ]);
    const served = [...jobs[A]!, ...jobs[B]!, ...jobs[C]!];
    await waitFor('every served job to succeed', async () =>
      (await Promise.all(served.map((id) => jobRow(platform, id)))).every((row) => row.status === 'succeeded'),
    );

    const workerOf = (child: typeof first) => /"worker_id":"([^"]+)"/.exec(platform.outputOf(child))![1]!;
    const workerIds = new Set((await attemptsOf(served)).map((attempt) => attempt.worker_id));
    expect(workerIds).toEqual(new Set([workerOf(first), workerOf(second)]));
    for (const [model, worker] of [
      [A, first],
      [C, first],
      [B, second],
    ] as const) {
      const attempts = await attemptsOf(jobs[model]!);
      expect(attempts.map((attempt) => attempt.worker_id)).toEqual(jobs[model]!.map(() => workerOf(worker)));
    }
    // One slot across both of the first worker's queues: its attempts never overlap.
    const firstAttempts = await attemptsOf([...jobs[A]!, ...jobs[C]!]);
    for (let i = 1; i < firstAttempts.length; i++)
      expect(firstAttempts[i]!.claimed_at.getTime()).toBeGreaterThanOrEqual(firstAttempts[i - 1]!.ended_at.getTime());

    for (const id of jobs[UNSERVED]!) expect((await jobRow(platform, id)).status).toBe('queued');
    expect(await platform.queueOf(UNSERVED).getJobCounts('prioritized')).toEqual({ prioritized: 2 });
  });
});
