import { describe, expect, it } from 'vitest';
import { plans } from '@atelier/contracts';
import type { TestUser } from '../support/platform.ts';
import { useBillingPlatform } from './billingPlatform.ts';
import { at, checkoutCompleted, deliver, invoicePaid, stripeEnv, stripeEvent, stripeId, subscriptionEvent } from './stripeEvents.ts';

const billing = useBillingPlatform(() => stripeEnv());
const { account } = billing;

async function newUser(): Promise<TestUser & { customer: string; subscription: string }> {
  return { ...(await billing.newUser()), customer: stripeId('cus'), subscription: stripeId('sub') };
}

async function expectApplied(delivery: Promise<{ status: number; body: { outcome?: string } }>, outcome = 'applied') {
  const answer = await delivery;
  expect(answer.status).toBe(200);
  expect(answer.body.outcome).toBe(outcome);
}

const recorded = async (eventId: string) => (await billing.platform.pool.query('SELECT 1 FROM stripe_events WHERE id = $1', [eventId])).rowCount;

describe('the Stripe webhook', () => {
  it('refuses a bad signature with 400 webhook_signature_invalid and records nothing', async () => {
    const alice = await newUser();
    const event = subscriptionEvent('customer.subscription.created', at(10), {
      id: alice.subscription,
      customer: alice.customer,
      status: 'active',
      userId: alice.user.id,
    });
    const forged = await deliver(billing.platform.baseUrl, event, { secret: 'whsec_someone_else' });
    const unsigned = await deliver(billing.platform.baseUrl, event, { signature: null });
    const garbage = await deliver(billing.platform.baseUrl, event, { signature: 't=1,v1=deadbeef' });
    // Signed, then changed on the way: the signature covers the exact bytes.
    const tampered = await deliver(billing.platform.baseUrl, event, { body: JSON.stringify(event).replace('"active"', '"trialing"') });
    for (const answer of [forged, unsigned, garbage, tampered]) {
      expect(answer.status).toBe(400);
      expect(answer.body.error?.code).toBe('webhook_signature_invalid');
    }
    expect(await recorded(event.id)).toBe(0);
    expect((await account(alice.user.id)).plan).toBe('free');
  });

  it('applies checkout and subscription events: active makes Pro, deleted makes Free', async () => {
    const bob = await newUser();
    const ids = { customer: bob.customer, subscription: bob.subscription, userId: bob.user.id };
    await expectApplied(deliver(billing.platform.baseUrl, checkoutCompleted(at(10), ids)));
    await expectApplied(
      deliver(
        billing.platform.baseUrl,
        subscriptionEvent('customer.subscription.created', at(11), { id: bob.subscription, customer: bob.customer, status: 'active' }),
      ),
    );
    expect((await account(bob.user.id)).plan).toBe('pro');
    await expectApplied(
      deliver(
        billing.platform.baseUrl,
        subscriptionEvent('customer.subscription.deleted', at(20), { id: bob.subscription, customer: bob.customer, status: 'canceled' }),
      ),
    );
    expect((await account(bob.user.id)).plan).toBe('free');
  });

  it.each(['canceled', 'unpaid', 'incomplete_expired'])('subscription.updated to %s makes Free', async (status) => {
    const user = await newUser();
    const sub = { id: user.subscription, customer: user.customer, userId: user.user.id };
    await expectApplied(deliver(billing.platform.baseUrl, subscriptionEvent('customer.subscription.created', at(10), { ...sub, status: 'active' })));
    expect((await account(user.user.id)).plan).toBe('pro');
    await expectApplied(deliver(billing.platform.baseUrl, subscriptionEvent('customer.subscription.updated', at(20), { ...sub, status })));
    expect((await account(user.user.id)).plan).toBe('free');
  });

  it('the same event delivered twice changes nothing the second time, neither ledger nor plan', async () => {
    const carol = await newUser();
    const sub = { id: carol.subscription, customer: carol.customer, userId: carol.user.id };
    const created = subscriptionEvent('customer.subscription.created', at(10), { ...sub, status: 'active' });
    const paid = invoicePaid(at(11), {
      customer: carol.customer,
      subscription: carol.subscription,
      periodStart: new Date(at(10) * 1000),
      userId: carol.user.id,
    });
    await expectApplied(deliver(billing.platform.baseUrl, created));
    await expectApplied(deliver(billing.platform.baseUrl, paid));
    const afterFirst = await account(carol.user.id);
    expect(afterFirst).toMatchObject({ plan: 'pro', credits: 100 + plans.pro.monthlyCredits });

    await expectApplied(deliver(billing.platform.baseUrl, paid), 'duplicate');
    await expectApplied(deliver(billing.platform.baseUrl, created), 'duplicate');
    expect(await account(carol.user.id)).toEqual(afterFirst);

    // A downgrade delivered twice, around a redelivery of the old upgrade: still Free.
    const deleted = subscriptionEvent('customer.subscription.deleted', at(30), { ...sub, status: 'canceled' });
    await expectApplied(deliver(billing.platform.baseUrl, deleted));
    await expectApplied(deliver(billing.platform.baseUrl, created), 'duplicate');
    await expectApplied(deliver(billing.platform.baseUrl, deleted), 'duplicate');
    expect(await account(carol.user.id)).toEqual({ ...afterFirst, plan: 'free' });
  });

  it('two deliveries of one event at the same moment apply it once', async () => {
    const dave = await newUser();
    const paid = invoicePaid(at(11), { customer: dave.customer, subscription: dave.subscription, periodStart: new Date(at(10) * 1000), userId: dave.user.id });
    const answers = await Promise.all(Array.from({ length: 5 }, () => deliver(billing.platform.baseUrl, paid)));
    expect(answers.map((a) => a.body.outcome).sort()).toEqual(['applied', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
    expect((await account(dave.user.id)).credits).toBe(100 + plans.pro.monthlyCredits);
  });
});

describe('events out of order leave the plan right', () => {
  it('an older subscription.deleted after a newer updated → active keeps Pro', async () => {
    const user = await newUser();
    const sub = { id: user.subscription, customer: user.customer, userId: user.user.id };
    await expectApplied(deliver(billing.platform.baseUrl, subscriptionEvent('customer.subscription.updated', at(200), { ...sub, status: 'active' })));
    await expectApplied(deliver(billing.platform.baseUrl, subscriptionEvent('customer.subscription.deleted', at(100), { ...sub, status: 'canceled' })));
    expect((await account(user.user.id)).plan).toBe('pro');
  });

  it('an older updated → active after a newer deleted keeps Free', async () => {
    const user = await newUser();
    const sub = { id: user.subscription, customer: user.customer, userId: user.user.id };
    await expectApplied(deliver(billing.platform.baseUrl, subscriptionEvent('customer.subscription.created', at(100), { ...sub, status: 'active' })));
    await expectApplied(deliver(billing.platform.baseUrl, subscriptionEvent('customer.subscription.deleted', at(300), { ...sub, status: 'canceled' })));
    await expectApplied(deliver(billing.platform.baseUrl, subscriptionEvent('customer.subscription.updated', at(200), { ...sub, status: 'active' })));
    expect((await account(user.user.id)).plan).toBe('free');
  });

  it('a late created (incomplete) of the same second as updated → active keeps Pro', async () => {
    const user = await newUser();
    const sub = { id: user.subscription, customer: user.customer, userId: user.user.id };
    await expectApplied(deliver(billing.platform.baseUrl, subscriptionEvent('customer.subscription.updated', at(50), { ...sub, status: 'active' })));
    await expectApplied(deliver(billing.platform.baseUrl, subscriptionEvent('customer.subscription.created', at(50), { ...sub, status: 'incomplete' })));
    expect((await account(user.user.id)).plan).toBe('pro');
  });

  it('the end of an old subscription does not take Pro from a newer active one', async () => {
    const user = await newUser();
    const first = { id: user.subscription, customer: user.customer, userId: user.user.id };
    const second = { ...first, id: stripeId('sub') };
    await expectApplied(deliver(billing.platform.baseUrl, subscriptionEvent('customer.subscription.created', at(100), { ...second, status: 'active' })));
    await expectApplied(deliver(billing.platform.baseUrl, subscriptionEvent('customer.subscription.created', at(10), { ...first, status: 'active' })));
    await expectApplied(deliver(billing.platform.baseUrl, subscriptionEvent('customer.subscription.deleted', at(300), { ...first, status: 'canceled' })));
    expect((await account(user.user.id)).plan).toBe('pro');
    await expectApplied(deliver(billing.platform.baseUrl, subscriptionEvent('customer.subscription.deleted', at(400), { ...second, status: 'canceled' })));
    expect((await account(user.user.id)).plan).toBe('free');
  });

  it('a subscription event racing the checkout that links its customer is never lost', async () => {
    const racers = await Promise.all(Array.from({ length: 12 }, () => newUser()));
    await Promise.all(
      racers.flatMap((user) => [
        deliver(
          billing.platform.baseUrl,
          subscriptionEvent('customer.subscription.created', at(20), { id: user.subscription, customer: user.customer, status: 'active' }),
        ),
        deliver(billing.platform.baseUrl, checkoutCompleted(at(20), { userId: user.user.id, customer: user.customer, subscription: user.subscription })),
      ]),
    );
    const plansAfter = await Promise.all(racers.map(async (user) => (await account(user.user.id)).plan));
    expect(plansAfter).toEqual(racers.map(() => 'pro'));
  });

  it('subscription events before checkout.session.completed wait for the customer link', async () => {
    const user = await newUser();
    // No metadata: only the checkout session can say whose customer this is.
    const active = subscriptionEvent('customer.subscription.created', at(20), { id: user.subscription, customer: user.customer, status: 'active' });
    await expectApplied(deliver(billing.platform.baseUrl, active));
    expect((await account(user.user.id)).plan).toBe('free');
    await expectApplied(
      deliver(billing.platform.baseUrl, checkoutCompleted(at(10), { userId: user.user.id, customer: user.customer, subscription: user.subscription })),
    );
    expect((await account(user.user.id)).plan).toBe('pro');
  });
});

describe('invoice.paid', () => {
  it('grants the Pro credits once per user and month', async () => {
    const user = await newUser();
    const ids = { customer: user.customer, subscription: user.subscription, userId: user.user.id };
    const november = new Date(Date.UTC(2026, 10, 3, 12));
    const december = new Date(Date.UTC(2026, 11, 3, 12));
    await expectApplied(deliver(billing.platform.baseUrl, invoicePaid(at(10), { ...ids, periodStart: november })));
    // Another invoice for the same month (a re-subscription, say) is paid but grants nothing more.
    await expectApplied(deliver(billing.platform.baseUrl, invoicePaid(at(20), { ...ids, periodStart: new Date(Date.UTC(2026, 10, 20)) })));
    expect((await account(user.user.id)).credits).toBe(100 + plans.pro.monthlyCredits);
    await expectApplied(deliver(billing.platform.baseUrl, invoicePaid(at(30), { ...ids, periodStart: december })));
    expect((await account(user.user.id)).credits).toBe(100 + 2 * plans.pro.monthlyCredits);

    const { rows } = await billing.platform.pool.query(
      `SELECT idempotency_key AS key FROM credit_transactions WHERE user_id = $1 AND kind = 'grant' ORDER BY id`,
      [user.user.id],
    );
    expect(rows.map((r) => r.key)).toEqual([`user:${user.user.id}:starting-grant`, `grant:${user.user.id}:2026-11:pro`, `grant:${user.user.id}:2026-12:pro`]);
  });

  it('for a customer not linked yet is refused, so Stripe redelivers it once checkout links it', async () => {
    const user = await newUser();
    const paid = invoicePaid(at(20), { customer: user.customer, subscription: user.subscription, periodStart: new Date(at(0) * 1000) });
    const early = await deliver(billing.platform.baseUrl, paid);
    expect(early.status).toBe(409);
    expect(early.body.error?.code).toBe('billing_customer_unknown');
    expect(await recorded(paid.id)).toBe(0);

    await expectApplied(
      deliver(billing.platform.baseUrl, checkoutCompleted(at(10), { userId: user.user.id, customer: user.customer, subscription: user.subscription })),
    );
    await expectApplied(deliver(billing.platform.baseUrl, paid));
    expect((await account(user.user.id)).credits).toBe(100 + plans.pro.monthlyCredits);
  });

  it("takes an event larger than the API's JSON body limit: invoices carry their lines", async () => {
    const big = stripeEvent('invoice.created', at(1), { id: stripeId('in'), object: 'invoice', description: 'x'.repeat(200_000) });
    expect((await deliver(billing.platform.baseUrl, big)).body.outcome).toBe('ignored');
  });

  it('an event type the platform does not use is acknowledged and ignored', async () => {
    const answer = await deliver(billing.platform.baseUrl, stripeEvent('customer.created', at(1), { id: stripeId('cus'), object: 'customer' }));
    expect(answer).toEqual({ status: 200, body: { received: true, outcome: 'ignored' } });
  });
});

describe("a plan change moves the user's waiting jobs", () => {
  it("an upgrade moves them to Pro priority at once, a downgrade back, and no one else's", async () => {
    const erin = await newUser();
    const frank = await newUser();
    const frankJobs = await billing.submitJobs(frank, 2);
    const erinJobs = await billing.submitJobs(erin, 3);
    const free = { inQueue: [plans.free.queuePriority], inRows: [plans.free.queuePriority] };
    const pro = { inQueue: [plans.pro.queuePriority], inRows: [plans.pro.queuePriority] };
    expect(await billing.priorities(erinJobs)).toEqual(free);

    const sub = { id: erin.subscription, customer: erin.customer, userId: erin.user.id };
    await expectApplied(deliver(billing.platform.baseUrl, subscriptionEvent('customer.subscription.created', at(10), { ...sub, status: 'active' })));
    expect(await billing.priorities(erinJobs)).toEqual(pro);
    expect(await billing.priorities(frankJobs)).toEqual(free);
    // BullMQ now hands out Erin's jobs before Frank's, which were waiting longer.
    const waiting = await billing.platform.queueOf().getPrioritized();
    expect(
      waiting
        .map((job) => job.id)
        .slice(0, 3)
        .sort(),
    ).toEqual([...erinJobs].sort());

    await expectApplied(deliver(billing.platform.baseUrl, subscriptionEvent('customer.subscription.deleted', at(20), { ...sub, status: 'canceled' })));
    expect(await billing.priorities(erinJobs)).toEqual(free);
  });
});
