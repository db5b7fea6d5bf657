import Stripe from 'stripe';
import { AppError } from '@atelier/contracts';
import type { StripeBilling } from './stripeBilling.ts';

/**
 * The event, if Stripe signed exactly these bytes. The signature covers the raw body, so it is
 * checked before anything parses it; a missing, forged or stale (over five minutes) signature
 * is `webhook_signature_invalid`.
 */
export function verifyStripeEvent(billing: StripeBilling, rawBody: unknown, signature: string | string[] | undefined): Stripe.Event {
  if (!Buffer.isBuffer(rawBody) || typeof signature !== 'string') throw new AppError('webhook_signature_invalid');
  try {
    return billing.stripe.webhooks.constructEvent(rawBody, signature, billing.webhookSecret);
  } catch (error) {
    if (error instanceof Stripe.errors.StripeSignatureVerificationError) throw new AppError('webhook_signature_invalid');
    throw error;
  }
}
