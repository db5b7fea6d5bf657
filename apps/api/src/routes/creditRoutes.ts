import type { FastifyInstance } from 'fastify';
import { AppError, plans, priceTable } from '@atelier/contracts';
import { decodeCreditCursor, findUserById, listCreditTransactions } from '@atelier/db';
import { currentUser, requireUser } from '../plugins/authenticate.ts';
import type { ApiServices } from '../services.ts';
import { PageQuery } from './params.ts';

export function creditRoutes(services: ApiServices) {
  return async (app: FastifyInstance) => {
    /** Public: the landing page and the app read prices from here. */
    app.get('/api/pricing', async () => ({ plans, prices: priceTable }));

    app.register(async (authed) => {
      authed.addHook('preHandler', requireUser(services));
      authed.get('/api/credits', async (request) => {
        const query = PageQuery.parse(request.query);
        if (query.cursor !== undefined && decodeCreditCursor(query.cursor) === null)
          throw new AppError('validation_failed', 'cursor: not a cursor this API gave out');
        const user = currentUser(request);
        const [page, fresh] = await Promise.all([
          listCreditTransactions(services.pool, user.id, query.limit, query.cursor ?? null),
          // Read now: the auth lookup may be remembered, its balance older than this request.
          findUserById(services.pool, user.id),
        ]);
        return {
          balance: fresh?.credits ?? user.credits,
          items: page.items.map(({ idempotencyKey: _key, createdAt, ...item }) => ({ ...item, createdAt: createdAt.toISOString() })),
          nextCursor: page.nextCursor,
        };
      });
    });
  };
}
