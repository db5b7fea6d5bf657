import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError, type AssetAnswer, AssetQuery, type LineageAnswer } from '@atelier/contracts';
import { decodeCursor, deleteAssetForUser, findAssetForUser, findAssetLineage, findAssetRecipe, listAssetsForUser } from '@atelier/db';
import { jobPrefix } from '@atelier/storage';
import { currentUser, requireUser } from '../plugins/authenticate.ts';
import type { ApiServices } from '../services.ts';
import { assetView } from './assetView.ts';
import { parseId } from './params.ts';

const AssetFile = z.enum(['content', 'poster']);

export function assetRoutes(services: ApiServices) {
  const findOwned = async (userId: string, id: unknown) => {
    const asset = await findAssetForUser(services.pool, userId, parseId(id, 'asset_not_found'));
    if (!asset) throw new AppError('asset_not_found');
    return asset;
  };

  return async (app: FastifyInstance) => {
    app.addHook('preHandler', requireUser(services));

    app.get('/api/assets', async (request) => {
      const query = AssetQuery.parse(request.query);
      const cursor = query.cursor === undefined ? null : decodeCursor(query.cursor);
      if (query.cursor !== undefined && cursor === null) throw new AppError('validation_failed', 'cursor: not a cursor this API gave out');
      const page = await listAssetsForUser(services.pool, currentUser(request).id, { limit: query.limit, cursor, kind: query.kind ?? null });
      return { items: page.items.map(assetView), nextCursor: page.nextCursor };
    });

    /** The asset and what made it: model, prompt, params (with the seed), inputs and parent. */
    app.get<{ Params: { id: string } }>('/api/assets/:id', async (request): Promise<AssetAnswer> => {
      const asset = await findOwned(currentUser(request).id, request.params.id);
      return { asset: assetView(asset), recipe: await findAssetRecipe(services.pool, asset) };
    });

    app.get<{ Params: { id: string } }>('/api/assets/:id/lineage', async (request): Promise<LineageAnswer> => {
      const asset = await findOwned(currentUser(request).id, request.params.id);
      const lineage = await findAssetLineage(services.pool, asset.userId, asset.id);
      const view = ({ asset, depth }: (typeof lineage.ancestors)[number]) => ({ depth, asset: assetView(asset) });
      return { asset: assetView(asset), ancestors: lineage.ancestors.map(view), descendants: lineage.descendants.map(view) };
    });

    app.get<{ Params: { id: string; file: string } }>('/api/assets/:id/:file', async (request, reply) => {
      const file = AssetFile.safeParse(request.params.file);
      if (!file.success) throw new AppError('route_not_found');
      const asset = await findOwned(currentUser(request).id, request.params.id);
      const key = file.data === 'content' ? asset.storageKey : asset.posterKey;
      if (!key) throw new AppError('not_found', 'This asset has no poster.');
      const url = await services.store.signedUrl(key, services.config.SIGNED_URL_TTL_SECONDS);
      return reply.header('cache-control', 'private, no-store').redirect(url, 302);
    });

    /** Removes the asset and its objects: every object of its job, or the uploaded picture. */
    app.delete<{ Params: { id: string } }>('/api/assets/:id', async (request, reply) => {
      const user = currentUser(request);
      const asset = await deleteAssetForUser(services.pool, user.id, parseId(request.params.id, 'asset_not_found'));
      if (!asset) throw new AppError('asset_not_found');
      await (asset.jobId ? services.store.deletePrefix(jobPrefix(user.id, asset.jobId)) : services.store.delete(asset.storageKey));
      return reply.status(204).send();
    });
  };
}
