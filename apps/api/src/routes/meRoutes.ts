import type { FastifyInstance } from 'fastify';
import type { MeAnswer } from '@atelier/contracts';
import { findUserById } from '@atelier/db';
import { currentUser, requireUser } from '../plugins/authenticate.ts';
import type { ApiServices } from '../services.ts';

export function meRoutes(services: ApiServices) {
  // Stripe is configured whole or not at all (createStripeBilling refuses half at start).
  const upgradeAvailable = services.config.STRIPE_SECRET_KEY !== undefined;
  return async (app: FastifyInstance) => {
    app.addHook('preHandler', requireUser(services));

    /**
     * The caller, read now: the balance is as fresh as the request (the auth lookup may be
     * remembered). `upgradeAvailable`: Pro can be bought here; without billing the web app
     * offers no upgrade that would only answer "Billing is not configured".
     */
    app.get('/api/me', async (request): Promise<MeAnswer> => {
      const user = (await findUserById(services.pool, currentUser(request).id)) ?? currentUser(request);
      const { id, email, name, avatarUrl, plan, credits } = user;
      return { id, email, name, avatarUrl, plan, credits, upgradeAvailable };
    });
  };
}
