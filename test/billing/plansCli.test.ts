import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { plans } from '@atelier/contracts';
import { billingPeriod, grantMonthlyCredits } from '@atelier/db';
import { useBillingPlatform } from './billingPlatform.ts';
import { at, deliver, stripeEnv, stripeId, subscriptionEvent } from './stripeEvents.ts';

const atelierBin = new URL('../../apps/cli/bin/atelier.js', import.meta.url).pathname;
const run = promisify(execFile);

const billing = useBillingPlatform(() => stripeEnv());
const { account } = billing;
const newUser = (plan: 'free' | 'pro' = 'free') => billing.newUser({ plan, credits: plan === 'free' ? plans.free.startingCredits : 0 });

async function atelier(...args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, [atelierBin, ...args], { env: billing.platform.env });
  return JSON.parse(stdout) as Record<string, unknown>;
}

/**
 * Every period in this file is derived from one clock read, so no month of the year can make
 * two of them collide. `nextPeriod` is two months on: every user made here was made before it
 * began, even when the file starts in a month's last second.
 */
const now = new Date();
const periodAfter = (months: number) => billingPeriod(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + months, 1)));
const nextPeriod = periodAfter(2);
/** A year further on, for the direct grant test: the CLI test counts every grant of `nextPeriod`. */
const [grantPeriod, followingPeriod] = [periodAfter(14), periodAfter(15)];

describe('grantMonthlyCredits', () => {
  it("grants a plan's monthly credits once per user, month and plan", async () => {
    const { user } = await newUser();
    const grant = (plan: 'free' | 'pro', period: string) => grantMonthlyCredits(billing.platform.pool, user.id, plan, period);
    expect(await grant('free', grantPeriod)).toBe(true);
    expect(await grant('free', grantPeriod)).toBe(false);
    // An upgrade within the month still earns the Pro grant; flipping back earns nothing more.
    expect(await grant('pro', grantPeriod)).toBe(true);
    expect(await grant('free', grantPeriod)).toBe(false);
    expect(await grant('free', followingPeriod)).toBe(true);
    expect((await account(user.id)).credits).toBe(plans.free.startingCredits + 2 * plans.free.monthlyCredits + plans.pro.monthlyCredits);
    await expect(grant('free', '2027-13')).rejects.toThrow(/YYYY-MM/);
  });
});

describe('atelier credits grant-monthly', () => {
  it('grants every user owed the month once, however many runs, even at once', async () => {
    const free = await newUser('free');
    const operatorPro = await newUser('pro');
    const payingPro = await newUser('pro');
    const customer = stripeId('cus');
    const subscription = { id: stripeId('sub'), customer, userId: payingPro.user.id };
    await deliver(billing.platform.baseUrl, subscriptionEvent('customer.subscription.created', at(10), { ...subscription, status: 'active' }));

    const runs = await Promise.all([atelier('credits', 'grant-monthly', '--period', nextPeriod), atelier('credits', 'grant-monthly', '--period', nextPeriod)]);
    const again = await atelier('credits', 'grant-monthly', '--period', nextPeriod);
    const { rows } = await billing.platform.pool.query(`SELECT count(*)::int AS n FROM credit_transactions WHERE idempotency_key LIKE $1`, [
      `grant:%:${nextPeriod}:%`,
    ]);
    expect(runs.map((r) => r.granted as number).reduce((a, b) => a + b, 0)).toBe(rows[0].n);
    expect(again).toEqual({ period: nextPeriod, granted: 0 });

    expect((await account(free.user.id)).credits).toBe(plans.free.startingCredits + plans.free.monthlyCredits);
    expect((await account(operatorPro.user.id)).credits).toBe(plans.pro.monthlyCredits);
    // A paying user's credits come with their paid invoice, not from the cron.
    expect((await account(payingPro.user.id)).credits).toBe(0);
  });

  it("skips a Free user in the month they signed up: their starting credits are that month's", async () => {
    const fresh = await newUser('free');
    await atelier('credits', 'grant-monthly', '--period', billingPeriod(new Date()));
    expect((await account(fresh.user.id)).credits).toBe(plans.free.startingCredits);
  });

  it('refuses a malformed period', async () => {
    await expect(atelier('credits', 'grant-monthly', '--period', '2026-1')).rejects.toThrow(/YYYY-MM/);
  });
});

describe('atelier users plan', () => {
  const everywhere = (priority: number) => ({ inQueue: [priority], inRows: [priority] });

  it("does for an operator what the webhook does: plan, waiting jobs, this month's Pro credits", async () => {
    const gina = await newUser('free');
    const jobs = await billing.submitJobs(gina, 2);
    const credits = (await account(gina.user.id)).credits;
    expect(await billing.priorities(jobs)).toEqual(everywhere(plans.free.queuePriority));

    const up = await atelier('users', 'plan', '--email', gina.user.email, '--plan', 'pro');
    expect(up).toMatchObject({ id: gina.user.id, plan: 'pro', planChanged: true, movedJobs: 2, granted: true });
    expect(await billing.priorities(jobs)).toEqual(everywhere(plans.pro.queuePriority));
    expect(await account(gina.user.id)).toMatchObject({ plan: 'pro', credits: credits + plans.pro.monthlyCredits });

    const twice = await atelier('users', 'plan', '--email', gina.user.email, '--plan', 'pro');
    expect(twice).toMatchObject({ planChanged: false, movedJobs: 0, granted: false });
    expect((await account(gina.user.id)).credits).toBe(credits + plans.pro.monthlyCredits);

    const down = await atelier('users', 'plan', '--email', gina.user.email, '--plan', 'free');
    expect(down).toMatchObject({ plan: 'free', planChanged: true, movedJobs: 2, granted: false });
    expect(await billing.priorities(jobs)).toEqual(everywhere(plans.free.queuePriority));
  });

  it('names an unknown email plainly', async () => {
    await expect(atelier('users', 'plan', '--email', 'nobody@example.com', '--plan', 'pro')).rejects.toThrow(/no user has the email/);
  });
});
