import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestPlatform, type TestUser } from '../support/platform.ts';
import { quickImage, submit, waitFor } from './support/jobs.ts';

const SUBMITS_PER_WINDOW = 40;
let platform: TestPlatform;

beforeAll(async () => {
  // No worker: jobs stay queued, so their streams stay open.
  platform = await TestPlatform.start({ SUBMIT_RATE_LIMIT_MAX: String(SUBMITS_PER_WINDOW), SSE_MAX_STREAMS_PER_USER: '3' });
});
afterAll(async () => platform?.stop());

async function timedSubmit(baseUrl: string, user: TestUser): Promise<{ status: number; ms: number; retryAfter: string | null; code?: string }> {
  const start = performance.now();
  const response = await fetch(`${baseUrl}/api/generate/image`, {
    method: 'POST',
    headers: { ...user.headers, 'content-type': 'application/json' },
    body: JSON.stringify(quickImage),
  });
  const body = (await response.json()) as { error?: { code: string } };
  return { status: response.status, ms: performance.now() - start, retryAfter: response.headers.get('retry-after'), code: body.error?.code };
}

const p99 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.ceil(values.length * 0.99) - 1]!;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

describe('abuse', () => {
  it("one user flooding submits gets 429 with Retry-After, across API processes, while another user's submits stay fast", async () => {
    const flooder = await platform.createUser({ plan: 'pro', credits: 100_000 });
    const quiet = await platform.createUser({ plan: 'pro', credits: 100_000 });
    const baseline: number[] = [];
    for (let i = 0; i < 15; i++) baseline.push((await timedSubmit(platform.baseUrl, quiet)).ms);

    let flooding = true;
    const flood = Promise.all(
      Array.from({ length: 10 }, async () => {
        const answers = [];
        while (flooding) answers.push(await timedSubmit(platform.baseUrl, flooder));
        return answers;
      }),
    ).then((all) => all.flat());
    const during: { status: number; ms: number }[] = [];
    try {
      for (let i = 0; i < 15; i++) during.push(await timedSubmit(platform.baseUrl, quiet));
    } finally {
      flooding = false;
    }
    const answers = await flood;
    expect(during.map((a) => a.status)).toEqual(Array(15).fill(202));
    expect(answers.filter((a) => a.status === 202)).toHaveLength(SUBMITS_PER_WINDOW);
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length).toBeGreaterThan(50);
    expect(limited[0]).toMatchObject({ code: 'rate_limited' });
    expect(Number(limited[0]!.retryAfter)).toBeGreaterThan(0);
    // Loosely, as a behaviour: 15 samples on a shared two-core machine whose API runs in this
    // very process cannot pin a p99. The quiet user's median stays near its baseline and no
    // submit of theirs waits on the flood; the 2× p99 target wants a bench on a quiet machine.
    const during99 = p99(during.map((a) => a.ms));
    expect(median(during.map((a) => a.ms))).toBeLessThan(3 * median(baseline) + 100);
    expect(during99).toBeLessThan(5 * p99(baseline) + 300);

    // The count is in Redis: another API process refuses the flooder too.
    const other = await platform.startApiProcess({ SUBMIT_RATE_LIMIT_MAX: String(SUBMITS_PER_WINDOW) });
    expect((await timedSubmit(other.baseUrl, flooder)).status).toBe(429);
    expect((await timedSubmit(other.baseUrl, quiet)).status).toBe(202);
    other.process.kill('SIGKILL');
  }, 60_000);

  it('lets a user submit at most SUBMIT_BURST_MAX a second: the rest of that second is 429 with Retry-After', async () => {
    const api = await platform.startApiProcess({ SUBMIT_RATE_LIMIT_MAX: String(SUBMITS_PER_WINDOW), SUBMIT_BURST_MAX: '5' });
    try {
      const user = await platform.createUser({ plan: 'pro', credits: 100_000 });
      const answers = await Promise.all(Array.from({ length: 8 }, () => timedSubmit(api.baseUrl, user)));
      expect(answers.filter((a) => a.status === 202)).toHaveLength(5);
      const refused = answers.filter((a) => a.status === 429);
      expect(refused).toHaveLength(3);
      expect(refused[0]).toMatchObject({ code: 'rate_limited', retryAfter: '1' });
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      expect((await timedSubmit(api.baseUrl, user)).status).toBe(202);
    } finally {
      api.process.kill('SIGKILL');
    }
  });

  it('counts attempts refused from memory against the window: a flood spends its minute, not just its second', async () => {
    const api = await platform.startApiProcess({ SUBMIT_RATE_LIMIT_MAX: String(SUBMITS_PER_WINDOW), SUBMIT_BURST_MAX: '5' });
    try {
      const user = await platform.createUser({ plan: 'pro', credits: 100_000 });
      const started = Date.now();
      const answers = [];
      while (answers.length < 2 * SUBMITS_PER_WINDOW) answers.push(await timedSubmit(api.baseUrl, user));
      // However long a busy machine took, each second let at most its burst through. Without
      // the refused attempts counted, the window (40) would hold far fewer than 80 attempts.
      const secondsTaken = Math.ceil((Date.now() - started) / 1000);
      expect(secondsTaken).toBeLessThan(SUBMITS_PER_WINDOW / 5);
      expect(answers.filter((a) => a.status === 202).length).toBeLessThanOrEqual(5 * (secondsTaken + 1));
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      // The second is over, but the window has counted every attempt, refused or not.
      const after = await timedSubmit(api.baseUrl, user);
      expect(after).toMatchObject({ status: 429, code: 'rate_limited' });
      expect(Number(after.retryAfter)).toBeGreaterThan(5);
    } finally {
      api.process.kill('SIGKILL');
    }
  });

  it('starts a user afresh when their window ends, however hard they flooded it', async () => {
    const api = await platform.startApiProcess({ SUBMIT_RATE_LIMIT_MAX: '5', RATE_LIMIT_WINDOW_MS: '2000' });
    try {
      const user = await platform.createUser({ plan: 'pro', credits: 100_000 });
      const answers = [];
      for (let i = 0; i < 60; i++) answers.push(await timedSubmit(api.baseUrl, user));
      expect(answers.filter((a) => a.status === 202)).toHaveLength(5);
      await new Promise((resolve) => setTimeout(resolve, 2_100));
      expect((await timedSubmit(api.baseUrl, user)).status).toBe(202);
    } finally {
      api.process.kill('SIGKILL');
    }
  });

  it('caps the job streams one user holds open across API processes: 429 rate_limited with Retry-After', async () => {
    const user = await platform.createUser({ credits: 1_000 });
    const job = await submit(platform.baseUrl, user, 'image', quickImage);
    // Its seats are renewed every second, so they outlive a killed process by three at most.
    const other = await platform.startApiProcess({ SSE_MAX_STREAMS_PER_USER: '3', SSE_HEARTBEAT_MS: '1000' });
    const opened: AbortController[] = [];
    const open = async (baseUrl: string) => {
      const controller = new AbortController();
      const response = await fetch(baseUrl + job.streamUrl, { headers: user.headers, signal: controller.signal });
      if (response.status === 200) opened.push(controller);
      return response;
    };
    try {
      expect((await open(platform.baseUrl)).status).toBe(200);
      expect((await open(platform.baseUrl)).status).toBe(200);
      expect((await open(other.baseUrl)).status).toBe(200);
      for (const baseUrl of [platform.baseUrl, other.baseUrl]) {
        const refused = await open(baseUrl);
        expect(refused.status).toBe(429);
        expect(refused.headers.get('retry-after')).toBe('5');
        expect(await refused.json()).toMatchObject({ error: { code: 'rate_limited' } });
      }

      const someoneElse = await platform.createUser({ credits: 100 });
      const theirs = await submit(platform.baseUrl, someoneElse, 'image', quickImage);
      const allowed = new AbortController();
      expect((await fetch(platform.baseUrl + theirs.streamUrl, { headers: someoneElse.headers, signal: allowed.signal })).status).toBe(200);
      allowed.abort();

      // A closed stream gives its seat back.
      opened.shift()!.abort();
      await waitFor("the closed stream's seat", async () => (await open(platform.baseUrl)).status === 200, 3_000);
      // A killed process cannot: its seat expires.
      other.process.kill('SIGKILL');
      expect((await open(platform.baseUrl)).status).toBe(429);
      await waitFor("the killed process's seat to expire", async () => (await open(platform.baseUrl)).status === 200, 6_000);
    } finally {
      other.process.kill('SIGKILL');
      for (const controller of opened) controller.abort();
    }
  });
});
