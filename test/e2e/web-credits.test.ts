import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { costOf, VideoParams } from '@atelier/contracts';
import { createUser, ledgerBalance } from '@atelier/db';
import { describeConsole, watchProblems } from './support/browser.ts';
import { submitJob } from './support/createPage.ts';
import { WebPlatform } from './support/webPlatform.ts';

// Credits in the app: a person without enough cannot submit and is told why; a job canceled
// while it waits gives its credits back, and the card and the balance say so. No worker runs
// here, so a submitted job stays queued until it is canceled.

const screenshots = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
let web: WebPlatform;

beforeAll(async () => {
  web = await WebPlatform.start({ workers: 0 });
}, WebPlatform.startTimeout);
afterAll(async () => web?.stop());

/** An account that exists before its first sign-in, with the balance a test needs. */
async function personWith(credits: number, sub: string) {
  const email = `${sub}@example.com`;
  const user = await createUser(web.platform.pool, { email, plan: 'free', credits, oidcSubject: sub });
  const { page } = await web.signIn({ sub, email, name: sub });
  return { user, page };
}

describe('credits in the web app', () => {
  it('a person with no credits sees Generate disabled, the reason, and the way to more', async () => {
    const { page } = await personWith(0, 'penniless');
    const problems = watchProblems(page);
    await expect(page.locator('.balance').textContent()).resolves.toBe('0 credits');

    await page.getByRole('textbox', { name: 'Prompt', exact: true }).fill('A red kite over green hills');
    const generate = page.getByRole('button', { name: 'Generate' });
    await expect(generate.isDisabled()).resolves.toBe(true);
    // The reason is the button's description, so a screen reader hears it with the button.
    const reasonId = await generate.getAttribute('aria-describedby');
    const reason = page.locator(`[id="${reasonId}"]`);
    await expect(reason.textContent()).resolves.toMatch(/^This needs 3 credits; you have 0 credits\./);

    // This server has no billing: no upgrade is offered anywhere, as it could only fail.
    await expect(page.getByRole('button', { name: /Go Pro|Upgrade/ }).count()).resolves.toBe(0);
    expect(problems.pageErrors.map(String)).toEqual([]);
    await page.context().close();
  });

  it('cancel gives the credits back: the card says so, the balance and the ledger too', async () => {
    const params = { seconds: 1, fps: 12, width: 320, height: 240 };
    const cost = costOf('video', '', VideoParams.parse(params));
    const { user, page } = await personWith(cost, 'thrifty');
    const problems = watchProblems(page);

    const card = await submitJob(page, 'video', 'Waves rolling onto a quiet beach', params);
    await card.locator('.badge.status-queued').waitFor();
    await expect.poll(() => page.locator('.balance').textContent()).toBe('0 credits');
    await page.getByRole('textbox', { name: 'Prompt', exact: true }).fill('One more, please');
    await expect(page.getByRole('button', { name: 'Generate' }).isDisabled()).resolves.toBe(true);

    await card.getByRole('button', { name: 'Cancel' }).click();
    await card.locator('.badge.status-canceled').waitFor();
    await expect(card.locator('.notice-refund').textContent()).resolves.toBe(`Canceled. ${cost} credits refunded to your balance.`);
    await expect.poll(() => page.locator('.balance').textContent()).toBe(`${cost} credits`);
    await expect(page.getByRole('button', { name: 'Generate' }).isEnabled()).resolves.toBe(true);
    expect(await ledgerBalance(web.platform.pool, user.id)).toEqual({ balance: cost, ledgerSum: cost });

    // The history has one line for the job, with what it cost in the end, and one for the grant.
    await page.getByRole('link', { name: 'Credits', exact: true }).click();
    const ledger = page.locator('table.ledger tbody tr');
    await ledger.first().waitFor();
    await expect(ledger.count()).resolves.toBe(2);
    await expect(ledger.first().locator('.badge').textContent()).resolves.toBe('Refunded');
    await expect(ledger.first().locator('.ledger-reason').textContent()).resolves.toBe(`${cost} credits reserved, ${cost} credits refunded`);
    await expect(ledger.first().locator('td.num').textContent()).resolves.toBe('0');
    await expect(ledger.nth(1).locator('td.num').textContent()).resolves.toBe(`+${cost}`);
    await page.screenshot({ path: `${screenshots}web-credits.png` });
    // The line links to the job's card on the create page.
    await ledger
      .first()
      .getByRole('link', { name: /Waves rolling onto a quiet beach/ })
      .click();
    await expect.poll(() => page.evaluate(() => window.location.hash)).toMatch(/^#job-/);
    await card.waitFor();

    expect(describeConsole(problems.consoleErrors)).toEqual([]);
    expect(problems.pageErrors.map(String)).toEqual([]);
  });
});
