import type { FastifyInstance } from 'fastify';
import { currentUser, requireUser } from '../plugins/authenticate.ts';
import type { ApiServices } from '../services.ts';

export function meRoutes(services: ApiServices) {
  return async (app: FastifyInstance) => {
    app.addHook('preHandler', requireUser(services));

    /** The caller as the auth lookup just read them: the balance is as fresh as the request. */
    app.get('/api/me', async (request) => {
      const { id, email, name, avatarUrl, plan, credits } = currentUser(request);
      return { id, email, name, avatarUrl, plan, credits };
    });
  };
}
