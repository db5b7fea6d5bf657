import Stripe from 'stripe';
import { AppError } from '@atelier/contracts';
import { latestStripeCustomerOf, type Queryable, type User } from '@atelier/db';
import type { StripeBilling } from './stripeBilling.ts';
import { USER_ID_METADATA } from './stripeMetadata.ts';

/**
 * A Stripe Checkout Session for the Pro subscription. The user's id travels as
 * `client_reference_id` (read back by checkout.session.completed) and in the subscription's
 * metadata (read by every later subscription and invoice event), so the webhook can name the
 * user whatever order the events arrive in.
 */
export async function createCheckoutSession(billing: StripeBilling, db: Queryable, user: User, publicUrl: string): Promise<{ url: string }> {
  // An operator's Pro counts too: paying for what one has would only take money twice.
  if (user.plan === 'pro') throw new AppError('plan_already_active');
  const appUrl = `${publicUrl.replace(/\/+$/, '')}/app`;
  const customer = await latestStripeCustomerOf(db, user.id);
  const session = await billing.stripe.checkout.sessions
    .create({
      mode: 'subscription',
      line_items: [{ price: billing.proPriceId, quantity: 1 }],
      client_reference_id: user.id,
      ...(customer ? { customer } : { customer_email: user.email }),
      subscription_data: { metadata: { [USER_ID_METADATA]: user.id } },
      // Stripe fills in {CHECKOUT_SESSION_ID}; it must stay unencoded.
      success_url: `${appUrl}?checkout=success&session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${appUrl}?checkout=canceled`,
    })
    .catch((error: unknown) => {
      // Stripe's 4xx (a wrong price id, a revoked key) are ours to fix, not the user's: never a 400 to them.
      if (!(error instanceof Stripe.errors.StripeError)) throw error;
      throw Object.assign(new AppError('billing_provider_failed'), { cause: error });
    });
  if (!session.url) throw new AppError('internal', 'Stripe returned a checkout session without a URL.');
  return { url: session.url };
}
