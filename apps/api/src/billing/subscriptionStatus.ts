/**
 * What a Stripe subscription status means here. `past_due` keeps Pro while Stripe retries the
 * payment (its retry settings end in `unpaid` or `canceled`, which take Pro away); `incomplete`
 * has not been paid yet and `paused` is not being paid, so neither gives Pro.
 */
const proStatuses = new Set(['active', 'trialing', 'past_due']);

export const statusGrantsPro = (status: string): boolean => proStatuses.has(status);

/**
 * Where a status stands in a subscription's life, to order two events of the same second
 * (Stripe's `created` has whole seconds; Checkout often creates a subscription `incomplete` and
 * activates it within one). The ends, `canceled` and `incomplete_expired`, rank highest: no
 * event of the same second can bring a subscription back from them.
 */
const ranks: Record<string, number> = {
  incomplete: 0,
  trialing: 1,
  active: 1,
  past_due: 2,
  paused: 2,
  unpaid: 3,
  incomplete_expired: 4,
  canceled: 4,
};

export const statusRank = (status: string): number => ranks[status] ?? 1;
