import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { ledgerBalance, type Pool } from '@atelier/db';
import { expect } from 'vitest';

export const WEBHOOK_SECRET = `whsec_${randomBytes(16).toString('hex')}`;

/** The API's billing configuration for a test platform; nothing in it may reach the network. */
export const stripeEnv = (apiBaseUrl = 'http://127.0.0.1:9'): NodeJS.ProcessEnv => ({
  STRIPE_SECRET_KEY: 'sk_test_atelier',
  STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
  STRIPE_PRICE_PRO: 'price_pro_monthly',
  STRIPE_API_BASE_URL: apiBaseUrl,
});

export const stripeId = (prefix: string) => `${prefix}_${randomBytes(8).toString('hex')}`;

/** Unix seconds, as Stripe's `created`; `at(0)` is a fixed moment well before now. */
const base = Math.floor(Date.now() / 1000) - 3_600;
export const at = (offsetSeconds: number) => base + offsetSeconds;

export interface StripeTestEvent {
  id: string;
  object: 'event';
  type: string;
  created: number;
  api_version: string;
  livemode: false;
  pending_webhooks: number;
  request: { id: null; idempotency_key: null };
  data: { object: Record<string, unknown> };
}

export function stripeEvent(type: string, created: number, object: Record<string, unknown>): StripeTestEvent {
  return {
    id: stripeId('evt'),
    object: 'event',
    type,
    created,
    api_version: Stripe.API_VERSION,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: { object },
  };
}

export const checkoutCompleted = (created: number, s: { userId: string; customer: string; subscription: string }) =>
  stripeEvent('checkout.session.completed', created, {
    id: stripeId('cs'),
    object: 'checkout.session',
    mode: 'subscription',
    status: 'complete',
    payment_status: 'paid',
    client_reference_id: s.userId,
    customer: s.customer,
    subscription: s.subscription,
    metadata: {},
  });

type SubscriptionEventType = 'customer.subscription.created' | 'customer.subscription.updated' | 'customer.subscription.deleted';

export const subscriptionEvent = (type: SubscriptionEventType, created: number, s: { id: string; customer: string; status: string; userId?: string }) =>
  stripeEvent(type, created, {
    id: s.id,
    object: 'subscription',
    customer: s.customer,
    status: s.status,
    created: at(0),
    items: { object: 'list', data: [{ id: stripeId('si'), price: { id: 'price_pro_monthly' } }] },
    metadata: s.userId ? { atelier_user_id: s.userId } : {},
  });

export const invoicePaid = (created: number, s: { customer: string; subscription: string; periodStart: Date; userId?: string }) => {
  const start = Math.floor(s.periodStart.getTime() / 1000);
  return stripeEvent('invoice.paid', created, {
    id: stripeId('in'),
    object: 'invoice',
    customer: s.customer,
    status: 'paid',
    amount_paid: 4999,
    created,
    // On a renewal the invoice's own period is the one just ended; the line holds the one paid for.
    period_start: start - 30 * 86_400,
    period_end: start,
    parent: {
      type: 'subscription_details',
      quote_details: null,
      subscription_details: { subscription: s.subscription, metadata: s.userId ? { atelier_user_id: s.userId } : {} },
    },
    lines: { object: 'list', data: [{ id: stripeId('il'), period: { start, end: start + 30 * 86_400 } }], has_more: false },
  });
};

export interface Delivery {
  status: number;
  body: { received?: boolean; outcome?: string; error?: { code: string; message: string } };
}

/** POST the event as Stripe does: raw JSON, signed with Stripe's own helper. */
export async function deliver(
  baseUrl: string,
  event: StripeTestEvent,
  options: { secret?: string; signature?: string | null; body?: string } = {},
): Promise<Delivery> {
  const payload = JSON.stringify(event);
  const signature =
    options.signature === undefined ? Stripe.webhooks.generateTestHeaderString({ payload, secret: options.secret ?? WEBHOOK_SECRET }) : options.signature;
  const response = await fetch(`${baseUrl}/api/billing/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature === null ? {} : { 'stripe-signature': signature }) },
    body: options.body ?? payload,
  });
  return { status: response.status, body: (await response.json()) as Delivery['body'] };
}

/** The invariant every scenario ends with: the balance is the sum of the ledger. */
export async function expectBalancedLedgers(pool: Pool, userIds: Iterable<string>): Promise<void> {
  for (const userId of userIds) {
    const { balance, ledgerSum } = await ledgerBalance(pool, userId);
    expect(balance, `balance of ${userId}`).toBe(ledgerSum);
  }
}
