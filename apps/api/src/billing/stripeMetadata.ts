import { z } from 'zod';

/**
 * Checkout writes the user's id into the subscription's metadata, so every subscription event
 * and every invoice (which snapshots that metadata) names its user, whatever order the events
 * come in. The customer link from checkout.session.completed is the fallback.
 */
export const USER_ID_METADATA = 'atelier_user_id';

const Uuid = z.string().uuid();

/** A user id that can be looked up, or null (a missing or malformed one names nobody). */
export function userIdFrom(value: string | null | undefined): string | null {
  const parsed = Uuid.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** Stripe fields that hold an id or, when expanded, the object. */
export function stripeIdOf(value: string | { id: string } | null | undefined): string | null {
  return typeof value === 'string' ? value : (value?.id ?? null);
}
