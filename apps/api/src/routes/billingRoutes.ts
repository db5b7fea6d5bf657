import type { FastifyInstance } from 'fastify';
import { AppError } from '@atelier/contracts';
import { currentUser, requireUser } from '../plugins/authenticate.ts';
import type { ApiServices } from '../services.ts';
import { createStripeBilling } from '../billing/stripeBilling.ts';
import { createCheckoutSession } from '../billing/createCheckoutSession.ts';
import { verifyStripeEvent } from '../billing/verifyStripeEvent.ts';
import { handleStripeEvent } from '../billing/handleStripeEvent.ts';
import { stripeEventProblem } from '../billing/stripeEventShape.ts';

/** Stripe's events carry whole invoices with their lines: more than the API's JSON limit allows. */
const WEBHOOK_BODY_LIMIT_BYTES = 1024 * 1024;

export function billingRoutes(services: ApiServices) {
  const billing = createStripeBilling(services.config);

  return async (app: FastifyInstance) => {
    app.register(async (authed) => {
      authed.addHook('preHandler', requireUser(services));
      authed.post('/api/billing/checkout', async (request) => {
        if (!billing) throw new AppError('billing_not_configured');
        return createCheckoutSession(billing, services.pool, currentUser(request), services.config.PUBLIC_URL);
      });
    });

    // Encapsulated: only this route reads its body as raw bytes, which the signature covers.
    app.register(async (webhook) => {
      webhook.removeAllContentTypeParsers();
      webhook.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
      webhook.post('/api/billing/webhook', { bodyLimit: WEBHOOK_BODY_LIMIT_BYTES }, async (request) => {
        if (!billing) throw new AppError('billing_not_configured');
        const event = verifyStripeEvent(billing, request.body, request.headers['stripe-signature']);
        const problem = stripeEventProblem(event);
        if (problem !== null) {
          const { id, type } = (event ?? {}) as { id?: unknown; type?: unknown };
          request.log.warn({ stripe_event: id, stripe_event_type: type, problem }, 'stripe event signed but malformed; refused');
          throw new AppError('webhook_event_malformed', `The event is not shaped as Stripe documents it (${problem}).`);
        }
        const outcome = await handleStripeEvent(services, event);
        // A plan may have changed: this process must not answer from what it remembered (the
        // notice from PostgreSQL reaches the other processes).
        if (outcome === 'applied') services.authCache.forgetAll();
        request.log.info({ stripe_event: event.id, stripe_event_type: event.type, outcome }, 'stripe event');
        return { received: true, outcome };
      });
    });
  };
}
