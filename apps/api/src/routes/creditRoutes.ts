import type { FastifyInstance } from 'fastify';
import { AppError, CreditsQuery, plans, priceTable } from '@atelier/contracts';
import { decodeCreditCursor, findUserById, listCreditLines, listCreditTransactions } from '@atelier/db';
import { currentUser, requireUser } from '../plugins/authenticate.ts';
import type { ApiServices } from '../services.ts';

export function creditRoutes(services: ApiServices) {
  return async (app: FastifyInstance) => {
    /** Public: the landing page and the app read prices from here. */
    app.get('/api/pricing', async () => ({ plans, prices: priceTable }));

    app.register(async (authed) => {
      authed.addHook('preHandler', requireUser(services));
      authed.get('/api/credits', async (request) => {
        const query = CreditsQuery.parse(request.query);
        if (query.cursor !== undefined && decodeCreditCursor(query.cursor) === null)
          throw new AppError('validation_failed', 'cursor: not a cursor this API gave out');
        const user = currentUser(request);
        const cursor = query.cursor ?? null;
        // Read now: the auth lookup may be remembered, its balance older than this request.
        const balance = findUserById(services.pool, user.id).then((fresh) => fresh?.credits ?? user.credits);
        if (query.view === 'jobs') {
          const [page, credits] = await Promise.all([listCreditLines(services.pool, user.id, query.limit, cursor), balance]);
          const items = page.items.map(({ createdAt, ...line }) => ({ ...line, createdAt: createdAt.toISOString() }));
          return { balance: credits, items, nextCursor: page.nextCursor };
        }
        const [page, credits] = await Promise.all([listCreditTransactions(services.pool, user.id, query.limit, cursor), balance]);
        return {
          balance: credits,
          items: page.items.map(({ idempotencyKey: _key, createdAt, ...item }) => ({ ...item, createdAt: createdAt.toISOString() })),
          nextCursor: page.nextCursor,
        };
      });
    });
  };
}
