import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { readStream } from '../support/sseClient.ts';
import { jobCard, submitJob, waitUntilDone } from './support/createPage.ts';
import { pageRecord } from './support/pageRecorder.ts';
import { WebPlatform } from './support/webPlatform.ts';

// The API goes away in the middle of a job and comes back on the same port. The browser's
// EventSource reconnects with Last-Event-ID; the card must carry on from where it was and
// finish, having shown no percent twice and skipped none the worker sent.

const prompt = 'A slow pan along a frozen lake under the northern lights';

let web: WebPlatform;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  web = await WebPlatform.start({ workers: 1 });
  ({ context, page } = await web.signIn({ sub: 'reconnect-person', email: 'grace@example.com', name: 'Grace Hopper' }));
}, WebPlatform.startTimeout);
afterAll(async () => web?.stop());

describe('a job card across an API restart', () => {
  it('recovers, finishes, and shows every percent once', async () => {
    // About five seconds of work: long enough to restart the API in the middle of it.
    const card = await submitJob(page, 'video', prompt, { seconds: 5, fps: 24, width: 480, height: 270 });
    const bar = card.getByRole('progressbar');
    await expect.poll(() => bar.getAttribute('aria-valuenow').then(Number), { timeout: 20_000 }).toBeGreaterThanOrEqual(10);

    await web.platform.stopApi();
    await card.getByText('Reconnecting…').waitFor();
    const percentAtDrop = Number(await bar.getAttribute('aria-valuenow'));
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // the worker carries on meanwhile
    await web.platform.startApi();

    await waitUntilDone(card, 30_000);
    await card.locator('video').waitFor();

    const { rows } = await web.platform.pool.query<{ id: string }>('SELECT id FROM generation_jobs WHERE prompt = $1', [prompt]);
    const streamPath = `/api/generate/${rows[0]!.id}/stream`;
    const record = await pageRecord(page);
    const opens = record.opens.filter((open) => open.url === streamPath);
    expect(opens.length, 'the EventSource connected again after the restart').toBeGreaterThanOrEqual(2);

    // What the page received, against the job's whole event stream read afresh afterwards.
    const received = record.sse.filter((event) => event.url === streamPath && event.type === 'progress');
    const cookie = (await context.cookies(web.baseUrl)).map((c) => `${c.name}=${c.value}`).join('; ');
    const everything = (await readStream(web.baseUrl + streamPath, { cookie })).filter((event) => event.type === 'progress');
    const percentsOf = (events: { data: string | Record<string, unknown> }[]) =>
      events.map((event) => (typeof event.data === 'string' ? (JSON.parse(event.data) as { percent: number }) : (event.data as { percent: number })).percent);
    expect(received.map((event) => event.id)).toEqual(everything.map((event) => event.id));
    expect(percentsOf(received)).toEqual(percentsOf(everything));
    expect(percentsOf(received).at(-1)).toBe(100);
    // Some of it happened while the API was away, and came after it returned.
    const firstOpenAfter = opens[1]!.t;
    expect(received.filter((event) => event.t > firstOpenAfter).length).toBeGreaterThan(0);
    expect(percentsOf(received.filter((event) => event.t < firstOpenAfter)).at(-1)).toBeLessThan(100);

    // And what the card rendered went only up, each value once.
    const rendered = record.percents.filter((entry) => entry.where === prompt).map((entry) => entry.value);
    expect(rendered.length).toBeGreaterThan(3);
    expect(rendered).toEqual([...new Set(rendered)].sort((a, b) => a - b));
    expect(rendered).toContain(percentAtDrop);
    expect(await jobCard(page, prompt).getByText('Reconnecting…').count()).toBe(0);
  });
});
