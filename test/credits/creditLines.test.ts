import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreditLinesAnswer } from '@atelier/contracts';
import { TestPlatform, type TestUser } from '../support/platform.ts';
import { quickImage, submit, waitForStatus } from '../reliability/support/jobs.ts';

/** `GET /api/credits?view=jobs`: one line per job with what it cost in the end; grants keep their own. */
let platform: TestPlatform;
let user: TestUser;

beforeAll(async () => {
  platform = await TestPlatform.start();
  user = await platform.createUser({ credits: 500 });
});
afterAll(async () => platform?.stop());

const linesPage = async (query: string) => {
  const response = await fetch(`${platform.baseUrl}/api/credits?view=jobs&${query}`, { headers: user.headers });
  expect(response.status).toBe(200);
  return CreditLinesAnswer.parse(await response.json());
};

describe('the credits history by job', () => {
  it('shows a canceled job at no cost, a finished one at its price, and the grant on its own line', async () => {
    const canceled = await submit(platform.baseUrl, user, 'image', { ...quickImage, prompt: 'never mind' });
    expect((await fetch(`${platform.baseUrl}/api/jobs/${canceled.id}`, { method: 'DELETE', headers: user.headers })).status).toBe(200);
    await platform.startWorker();
    const done = await submit(platform.baseUrl, user, 'image', quickImage);
    await waitForStatus(platform, done.id, ['succeeded']);
    const { rows } = await platform.pool.query<{ id: string; cost: number }>('SELECT id, cost FROM generation_jobs WHERE id = ANY($1)', [
      [canceled.id, done.id],
    ]);
    const cost = Object.fromEntries(rows.map((row) => [row.id, row.cost]));

    const page = await linesPage('limit=20');
    expect(page.items.map((line) => line.job?.id ?? line.kind)).toEqual([done.id, canceled.id, 'grant']);
    expect(page.items[0]).toMatchObject({
      kind: 'reserve',
      amount: -cost[done.id]!,
      job: { status: 'succeeded', prompt: quickImage.prompt, reserved: cost[done.id], charged: cost[done.id], refunded: 0 },
    });
    expect(page.items[1]).toMatchObject({ amount: 0, job: { status: 'canceled', reserved: cost[canceled.id], charged: 0, refunded: cost[canceled.id] } });
    expect(page.items[2]).toMatchObject({ kind: 'grant', amount: 500, job: null });
    // The lines still add up to the balance.
    expect(page.items.reduce((sum, line) => sum + line.amount, 0)).toBe(page.balance);

    // Paged one line at a time, the same lines in the same order.
    const walked: number[] = [];
    let cursor: string | null = null;
    do {
      const next = await linesPage(`limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      walked.push(...next.items.map((line) => line.id));
      cursor = next.nextCursor;
    } while (cursor);
    expect(walked).toEqual(page.items.map((line) => line.id));

    // The plain ledger is still there, every movement on its own row.
    const plain = await (await fetch(`${platform.baseUrl}/api/credits`, { headers: user.headers })).json();
    expect(plain.items.map((row: { kind: string }) => row.kind)).toEqual(['charge', 'reserve', 'refund', 'reserve', 'grant']);
    const refused = await fetch(`${platform.baseUrl}/api/credits?view=daily`, { headers: user.headers });
    expect(refused.status).toBe(400);
  }, 60_000);
});
