import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SubmitAnswer } from '@atelier/contracts';
import { TestPlatform, type TestUser } from '../support/platform.ts';
import { documentedFetch } from '../support/documentedAnswers.ts';

let platform: TestPlatform;
let alice: TestUser;

beforeAll(async () => {
  platform = await TestPlatform.start({ IMAGE_ENGINE: 'local' });
  alice = await platform.createUser({ credits: 1_000 });
});
afterAll(async () => platform?.stop());

const smallImage = { prompt: 'a quick sketch of a fox', params: { width: 128, height: 128, steps: 2, seed: 3 } };

function submit(prefer: string | null, signal?: AbortSignal) {
  return documentedFetch(`${platform.baseUrl}/api/generate/image`, {
    method: 'POST',
    headers: { ...alice.headers, 'content-type': 'application/json', ...(prefer === null ? {} : { prefer }) },
    body: JSON.stringify(smallImage),
    signal,
  });
}

const jobCount = async () =>
  (await platform.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM generation_jobs WHERE user_id = $1', [alice.user.id])).rows[0]!.n;

async function until(condition: () => boolean | Promise<boolean>) {
  for (let i = 0; i < 200 && !(await condition()); i++) await new Promise((resolve) => setTimeout(resolve, 25));
}

describe('Prefer: wait on submit', () => {
  it.each(['wait=0', 'wait=61', 'wait=abc', 'wait=1.5', 'wait=-1', 'wait=', 'wait', 'respond-async, wait=1e1'])(
    'refuses %s with 400 prefer_wait_invalid and makes no job',
    async (prefer) => {
      const before = await jobCount();
      const response = await submit(prefer);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('prefer_wait_invalid');
      expect(await jobCount()).toBe(before);
    },
  );

  it('answers 202 with the job as it stands when the wait runs out, holding one follower meanwhile', async () => {
    // No worker yet: the job cannot finish.
    const pending = submit('wait=1');
    await until(() => platform.services!.events.openFollowers === 1);
    expect(platform.services!.events.openFollowers).toBe(1);
    const response = await pending;
    expect(response.status).toBe(202);
    expect(response.headers.get('preference-applied')).toBe('wait=1');
    expect(((await response.json()) as SubmitAnswer).job.status).toBe('queued');
    await until(() => platform.services!.events.openFollowers === 0);
    expect(platform.services!.events.openFollowers).toBe(0);
  });

  it('a client that stops waiting changes nothing about the job', async () => {
    const gone = new AbortController();
    const pending = submit('wait=30', gone.signal).catch((error: Error) => error);
    await until(() => platform.services!.events.openFollowers === 1);
    const jobs = await platform.pool.query<{ id: string; status: string }>(
      'SELECT id, status FROM generation_jobs WHERE user_id = $1 ORDER BY created_at DESC LIMIT 1',
      [alice.user.id],
    );
    gone.abort();
    expect(await pending).toBeInstanceOf(Error);
    // The wait ends with the connection: the follower goes, the job stays queued on the queue.
    await until(() => platform.services!.events.openFollowers === 0);
    expect(platform.services!.events.openFollowers).toBe(0);
    const job = jobs.rows[0]!;
    expect((await platform.pool.query('SELECT status FROM generation_jobs WHERE id = $1', [job.id])).rows[0]).toEqual({ status: 'queued' });
    expect(await platform.queueJobIds()).toContain(job.id);
  });

  it('answers 201 with the finished job when it ends within the wait', async () => {
    await platform.startWorker();
    const response = await submit('wait=30');
    expect(response.status).toBe(201);
    expect(response.headers.get('preference-applied')).toBe('wait=30');
    const { job } = (await response.json()) as SubmitAnswer;
    expect(job.status).toBe('succeeded');
    expect(job.outputUrl).toBe(`/api/jobs/${job.id}/output`);
  });

  it('without Prefer, answers 202 at once as before', async () => {
    const response = await submit(null);
    expect(response.status).toBe(202);
    expect(response.headers.get('preference-applied')).toBeNull();
  });
});
