import type Stripe from 'stripe';
import type { FastifyBaseLogger } from 'fastify';
import { AppError } from '@atelier/contracts';
import {
  billingPeriod,
  findStripeCustomerUser,
  grantMonthlyCredits,
  inTransaction,
  linkStripeCustomer,
  lockStripeCustomer,
  recordStripeEvent,
  recordSubscriptionState,
  stripePlanForUser,
  type Pool,
  type Queryable,
} from '@atelier/db';
import type { GenerationQueues } from '@atelier/queue';
import { changePlan } from '@atelier/operations';
import { statusGrantsPro, statusRank } from './subscriptionStatus.ts';
import { stripeIdOf, USER_ID_METADATA, userIdFrom } from './stripeMetadata.ts';

export interface BillingDeps {
  pool: Pool;
  queues: GenerationQueues;
  log: FastifyBaseLogger;
}

export type EventOutcome = 'applied' | 'duplicate' | 'ignored';

type Tx = { deps: BillingDeps; db: Queryable };

/**
 * Apply one verified Stripe event, once. The event id is recorded in the same transaction as
 * the effect, so a redelivery changes nothing and a failure leaves nothing, not even the record,
 * and Stripe's retry applies it afresh.
 *
 * Out-of-order events: the plan is never taken from an event directly. Each subscription keeps
 * its newest state, ordered by the event's `created` (then by the status's place in a
 * subscription's life, for events of the same second), and the user's plan is then read off
 * all their subscriptions: Pro while any grants it. So an old `deleted` arriving after a newer
 * `updated → active` of the same subscription is ignored, and the end of an old subscription
 * does not take Pro away while a newer one is active.
 */
export async function handleStripeEvent(deps: BillingDeps, event: Stripe.Event): Promise<EventOutcome> {
  return inTransaction(deps.pool, async (db) => {
    if (!(await recordStripeEvent(db, event))) return 'duplicate';
    const tx = { deps, db };
    switch (event.type) {
      case 'checkout.session.completed':
        return checkoutCompleted(tx, event);
      case 'customer.subscription.created':
      case 'customer.subscription.updated':
      case 'customer.subscription.deleted':
        return subscriptionChanged(tx, event);
      case 'invoice.paid':
        return invoicePaid(tx, event);
      default:
        return 'ignored';
    }
  });
}

async function checkoutCompleted({ deps, db }: Tx, event: Stripe.CheckoutSessionCompletedEvent): Promise<EventOutcome> {
  const session = event.data.object;
  const userId = userIdFrom(session.client_reference_id);
  const customerId = stripeIdOf(session.customer);
  if (session.mode !== 'subscription' || !userId || !customerId) return 'ignored';
  await lockStripeCustomer(db, customerId);
  const linkedUserId = await linkStripeCustomer(db, customerId, userId);
  if (!linkedUserId) {
    deps.log.warn({ stripe_event: event.id, user_id: userId }, 'checkout completed for a user that does not exist');
    return 'ignored';
  }
  await reconcilePlan({ deps, db }, linkedUserId);
  return 'applied';
}

async function subscriptionChanged(
  tx: Tx,
  event: Stripe.CustomerSubscriptionCreatedEvent | Stripe.CustomerSubscriptionUpdatedEvent | Stripe.CustomerSubscriptionDeletedEvent,
): Promise<EventOutcome> {
  const subscription = event.data.object;
  const customerId = stripeIdOf(subscription.customer)!;
  const status = event.type === 'customer.subscription.deleted' ? 'canceled' : subscription.status;
  await lockStripeCustomer(tx.db, customerId);
  await recordSubscriptionState(tx.db, {
    subscriptionId: subscription.id,
    customerId,
    status,
    grantsPro: statusGrantsPro(status),
    at: event.created,
    rank: statusRank(status),
    eventId: event.id,
  });
  // Not linked yet: the state waits in stripe_subscriptions for checkout.session.completed.
  const userId = await userForCustomer(tx.db, customerId, subscription.metadata?.[USER_ID_METADATA]);
  if (userId) await reconcilePlan(tx, userId);
  return 'applied';
}

/**
 * A paid subscription invoice buys the Pro credits of the month its period starts in, once:
 * the grant's key is per user and month, so a second invoice in one month (a re-subscription)
 * grants nothing more.
 */
async function invoicePaid({ deps, db }: Tx, event: Stripe.InvoicePaidEvent): Promise<EventOutcome> {
  const invoice = event.data.object;
  const subscription = invoice.parent?.subscription_details;
  const customerId = stripeIdOf(invoice.customer);
  if (!subscription || !customerId) return 'ignored';
  await lockStripeCustomer(db, customerId);
  const userId = await userForCustomer(db, customerId, subscription.metadata?.[USER_ID_METADATA]);
  // Credits must not be lost, so the event is refused and Stripe delivers it again once the link exists.
  if (!userId) throw new AppError('billing_customer_unknown');
  // The line's period is the one paid for; the invoice's own period_start is the previous one on renewals.
  const periodStart = invoice.lines.data[0]?.period.start ?? invoice.created;
  const granted = await grantMonthlyCredits(db, userId, 'pro', billingPeriod(new Date(periodStart * 1000)));
  deps.log.info({ stripe_event: event.id, user_id: userId, granted }, 'invoice paid');
  return 'applied';
}

/** The user a customer pays for: by the id checkout put in the metadata, else by the stored link. */
async function userForCustomer(db: Queryable, customerId: string, metadataUserId: string | undefined): Promise<string | null> {
  const userId = userIdFrom(metadataUserId);
  return userId ? linkStripeCustomer(db, customerId, userId) : findStripeCustomerUser(db, customerId);
}

async function reconcilePlan({ deps, db }: Tx, userId: string): Promise<void> {
  const plan = await stripePlanForUser(db, userId);
  if (!plan) return;
  const change = await changePlan(deps.queues, db, userId, plan);
  if (change?.planChanged) deps.log.info({ user_id: userId, plan, moved_jobs: change.movedJobs.length }, 'plan changed');
}
