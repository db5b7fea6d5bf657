import fc from 'fast-check';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { errorCodes } from '@atelier/contracts';
import { useBillingPlatform } from './billingPlatform.ts';
import { at, invoicePaid, stripeEnv, stripeEvent, stripeId, subscriptionEvent, WEBHOOK_SECRET } from './stripeEvents.ts';

// Quiet: each refusal logs a warning, and the fuzz makes a hundred.
const billing = useBillingPlatform(() => ({ ...stripeEnv(), LOG_LEVEL: 'error' }));

/** Any payload, signed as Stripe signs: the signature is good, whatever the bytes say. */
async function deliverSigned(payload: string): Promise<{ status: number; body: { outcome?: string; error?: { code: string } } }> {
  const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
  const response = await fetch(`${billing.platform.baseUrl}/api/billing/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    body: payload,
  });
  return { status: response.status, body: (await response.json()) as { error?: { code: string } } };
}

const recordedEvents = async () => (await billing.platform.pool.query('SELECT count(*)::int AS n FROM stripe_events')).rows[0].n as number;

function subscription() {
  return subscriptionEvent('customer.subscription.updated', at(5), { id: stripeId('sub'), customer: stripeId('cus'), status: 'active' });
}
function invoice() {
  return invoicePaid(at(5), { customer: stripeId('cus'), subscription: stripeId('sub'), periodStart: new Date() });
}

describe('a validly signed Stripe event that is not shaped as Stripe documents it', () => {
  const cases: Array<[string, () => unknown]> = [
    ['a subscription with customer: null', () => ({ ...subscription(), data: { object: { ...subscription().data.object, customer: null } } })],
    ['a subscription with no object id', () => ({ ...subscription(), data: { object: { ...subscription().data.object, id: undefined } } })],
    ['an invoice with no lines', () => ({ ...invoice(), data: { object: { ...invoice().data.object, lines: undefined } } })],
    ['an invoice line with no period', () => ({ ...invoice(), data: { object: { ...invoice().data.object, lines: { data: [{ id: 'il_1' }] } } } })],
    ['an event with no data', () => ({ ...subscription(), data: undefined })],
    ['an event whose created is a string', () => ({ ...subscription(), created: String(at(5)) })],
    ['an event with no id', () => ({ ...stripeEvent('customer.created', at(5), { id: 'cus_1' }), id: undefined })],
    ['the JSON null', () => null],
    ['a number', () => 42],
  ];

  it.each(cases)('%s: 400 webhook_event_malformed, a log line, nothing recorded', async (_what, make) => {
    const before = await recordedEvents();
    const answer = await deliverSigned(JSON.stringify(make()));
    expect(answer.status, JSON.stringify(answer.body)).toBe(400);
    expect(answer.body.error?.code).toBe('webhook_event_malformed');
    expect(await recordedEvents()).toBe(before);
  });

  it('well-shaped events still apply (an unknown type is ignored)', async () => {
    const answer = await deliverSigned(JSON.stringify(stripeEvent('customer.created', at(5), { id: stripeId('cus') })));
    expect(answer).toEqual({ status: 200, body: { received: true, outcome: 'ignored' } });
  });

  it('fuzzed payloads never reach a 500, and every error has a registered code', async () => {
    const types = fc.constantFrom(
      'checkout.session.completed',
      'customer.subscription.created',
      'customer.subscription.deleted',
      'invoice.paid',
      'x',
      '__proto__',
    );
    // Real events with one field swapped for anything JSON can say, and events made of anything.
    const mutated = fc
      .record({
        base: fc.constantFrom(subscription, invoice),
        type: types,
        path: fc.constantFrom('id', 'created', 'data', 'customer', 'status', 'lines', 'metadata', 'parent'),
        value: fc.jsonValue(),
      })
      .map(({ base, type, path, value }) => {
        const event = base() as unknown as Record<string, unknown>;
        const object = (event.data as { object: Record<string, unknown> }).object;
        event.type = type;
        if (path in event) event[path] = value;
        else object[path] = value;
        return JSON.stringify(event);
      });
    const anything = fc.jsonValue().map((value) => JSON.stringify(value));
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutated, anything), async (payload) => {
        const answer = await deliverSigned(payload);
        expect(answer.status, payload).toBeLessThan(500);
        if (answer.status >= 400) expect(Object.keys(errorCodes)).toContain(answer.body.error?.code);
      }),
      { numRuns: 150 },
    );
  });
});
