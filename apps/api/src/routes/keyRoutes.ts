import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '@atelier/contracts';
import { createApiKey, listApiKeys, revokeApiKey } from '@atelier/db';
import { currentUser, requireUser } from '../plugins/authenticate.ts';
import type { ApiServices } from '../services.ts';
import { parseId } from './params.ts';

const CreateKeyBody = z.strictObject({ name: z.string().trim().min(1).max(100).optional() });

/** A user's API keys. The key itself is in the answer to its creation and nowhere else, ever. */
export function keyRoutes(services: ApiServices) {
  return async (app: FastifyInstance) => {
    app.addHook('preHandler', requireUser(services));

    app.post('/api/keys', async (request, reply) => {
      const body = CreateKeyBody.parse(request.body ?? {});
      const { key, info } = await createApiKey(services.pool, currentUser(request).id, body.name ?? null);
      return reply.status(201).header('cache-control', 'no-store').send({ key, apiKey: info });
    });

    app.get('/api/keys', async (request) => ({ items: await listApiKeys(services.pool, currentUser(request).id) }));

    app.delete<{ Params: { id: string } }>('/api/keys/:id', async (request, reply) => {
      const revoked = await revokeApiKey(services.pool, currentUser(request).id, parseId(request.params.id, 'api_key_not_found'));
      if (!revoked) throw new AppError('api_key_not_found');
      services.authCache.forgetUser(currentUser(request).id);
      return reply.status(204).send();
    });
  };
}
