import { z } from 'zod';

/** An id, or the object itself when Stripe expanded it. */
const Reference = z.union([z.string().min(1), z.looseObject({ id: z.string().min(1) })]);
const UnixSeconds = z.number().int().nonnegative();
const Metadata = z.record(z.string(), z.unknown()).nullish();

const event = (object: z.ZodType) => z.looseObject({ id: z.string().min(1), type: z.string().min(1), created: UnixSeconds, data: z.looseObject({ object }) });

/**
 * What handleStripeEvent reads from each event it applies, as Stripe documents it. Stripe
 * redelivers an event it got no 2xx for, for days: one that is signed but not shaped so is
 * answered 400 with a log line, not a 500 that pretends a retry could help.
 */
const shapes = new Map<string, z.ZodType>([
  [
    'checkout.session.completed',
    event(z.looseObject({ id: z.string().min(1), mode: z.string().nullish(), client_reference_id: z.string().nullish(), customer: Reference.nullish() })),
  ],
  [
    'invoice.paid',
    event(
      z.looseObject({
        id: z.string().min(1),
        customer: Reference,
        created: UnixSeconds,
        parent: z.looseObject({ subscription_details: z.looseObject({ metadata: Metadata }).nullish() }).nullish(),
        lines: z.looseObject({ data: z.array(z.looseObject({ period: z.looseObject({ start: UnixSeconds }) })) }),
      }),
    ),
  ],
]);
const subscription = event(z.looseObject({ id: z.string().min(1), customer: Reference, status: z.string().min(1), metadata: Metadata }));
for (const type of ['customer.subscription.created', 'customer.subscription.updated', 'customer.subscription.deleted']) shapes.set(type, subscription);
/** Events we ignore still need what every event is recorded by. */
const anyEvent = event(z.looseObject({}));

/** Why a verified event cannot be applied (the first field that is wrong), or null when it can. */
export function stripeEventProblem(payload: unknown): string | null {
  const type = z.looseObject({ type: z.string() }).safeParse(payload);
  const shape = (type.success ? shapes.get(type.data.type) : undefined) ?? anyEvent;
  const parsed = shape.safeParse(payload);
  if (parsed.success) return null;
  const issue = parsed.error.issues[0]!;
  return `${issue.path.join('.') || 'event'}: ${issue.message}`;
}
