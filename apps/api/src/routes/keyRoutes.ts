import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, apiKeyScopes, CreateApiKeyBody, UpdateApiKeyBody } from '@atelier/contracts';
import { createApiKey, listApiKeys, revokeApiKey, updateApiKeyLimits } from '@atelier/db';
import { currentUser, requireUser } from '../plugins/authenticate.ts';
import type { ApiServices } from '../services.ts';
import { parseId } from './params.ts';

/**
 * A restricted key must not mint an unrestricted one: only a session or a key with every
 * scope and no cap may create or change keys.
 */
function assertMayManageKeys(request: FastifyRequest): void {
  const key = request.apiKey;
  if (key && (key.scopes.length < apiKeyScopes.length || key.monthlyCreditCap !== null)) {
    throw new AppError('forbidden', 'A key with limits may not create or change keys; use the web app or an unrestricted key.');
  }
}

/** A user's API keys. The key itself is in the answer to its creation and nowhere else, ever. */
export function keyRoutes(services: ApiServices) {
  return async (app: FastifyInstance) => {
    app.addHook('preHandler', requireUser(services));

    app.post('/api/keys', async (request, reply) => {
      assertMayManageKeys(request);
      const body = CreateApiKeyBody.parse(request.body ?? {});
      const { key, info } = await createApiKey(services.pool, currentUser(request).id, body.name ?? null, body);
      return reply.status(201).header('cache-control', 'no-store').send({ key, apiKey: info });
    });

    app.get('/api/keys', async (request) => ({ items: await listApiKeys(services.pool, currentUser(request).id) }));

    /** Scopes and the monthly cap; the key's owner is told at once (here) and everywhere (PostgreSQL's notice). */
    app.patch<{ Params: { id: string } }>('/api/keys/:id', async (request) => {
      assertMayManageKeys(request);
      const keyId = parseId(request.params.id, 'api_key_not_found');
      const body = UpdateApiKeyBody.parse(request.body);
      const apiKey = await updateApiKeyLimits(services.pool, currentUser(request).id, keyId, body);
      if (!apiKey) throw new AppError('api_key_not_found');
      services.authCache.forgetUser(currentUser(request).id);
      return { apiKey };
    });

    app.delete<{ Params: { id: string } }>('/api/keys/:id', async (request, reply) => {
      const revoked = await revokeApiKey(services.pool, currentUser(request).id, parseId(request.params.id, 'api_key_not_found'));
      if (!revoked) throw new AppError('api_key_not_found');
      services.authCache.forgetUser(currentUser(request).id);
      return reply.status(204).send();
    });
  };
}
