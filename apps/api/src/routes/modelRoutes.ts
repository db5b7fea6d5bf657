import type { FastifyInstance } from 'fastify';
import { AppError, type ModelList, type ModelView, modelView } from '@atelier/contracts';
import { servedModels } from '@atelier/queue';
import type { ApiServices } from '../services.ts';

/**
 * The catalog, public (no sign-in):
 * - `GET /api/models`: `{ items }`, every listed model with its params' JSON Schema, its price
 *   and whether a live worker serves it now;
 * - `GET /api/models/<id>`: one model. Ids contain `/` (`atelier/landscape-sketch`): the id is
 *   the rest of the path, written as it is (`/api/models/atelier/landscape-sketch`); an
 *   encoded slash (`%2F`) is read the same. 404 `model_not_found`.
 */
export function modelRoutes(services: ApiServices) {
  const served = () => servedModels(services.redis, services.config.QUEUE_PREFIX);

  return async (app: FastifyInstance) => {
    app.get('/api/models', async (): Promise<ModelList> => {
      const live = await served();
      return { items: services.catalog.visible().map((model) => modelView(model, live.has(model.id))) };
    });

    app.get<{ Params: { '*': string } }>('/api/models/*', async (request): Promise<ModelView> => {
      const model = services.catalog.listed(request.params['*']);
      if (!model) throw new AppError('model_not_found');
      return modelView(model, (await served()).has(model.id));
    });
  };
}
