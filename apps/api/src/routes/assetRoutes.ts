import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError, AssetQuery } from '@atelier/contracts';
import { decodeCursor, deleteAssetForUser, findAssetForUser, listAssetsForUser, type AssetRow } from '@atelier/db';
import { jobPrefix } from '@atelier/storage';
import { currentUser, requireUser } from '../plugins/authenticate.ts';
import type { ApiServices } from '../services.ts';
import { parseId } from './params.ts';

const AssetFile = z.enum(['content', 'poster']);

function assetView(asset: AssetRow) {
  return {
    id: asset.id,
    jobId: asset.jobId,
    kind: asset.kind,
    url: `/api/assets/${asset.id}/content`,
    posterUrl: asset.posterKey ? `/api/assets/${asset.id}/poster` : null,
    contentType: asset.contentType,
    bytes: asset.bytes,
    width: asset.width,
    height: asset.height,
    durationSeconds: asset.durationSeconds,
    blurhash: asset.blurhash,
    peaks: asset.peaks,
    prompt: asset.prompt,
    createdAt: asset.createdAt.toISOString(),
  };
}

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

    app.get<{ Params: { id: string } }>('/api/assets/:id', async (request) => ({
      asset: assetView(await findOwned(currentUser(request).id, request.params.id)),
    }));

    app.get<{ Params: { id: string; file: string } }>('/api/assets/:id/:file', async (request, reply) => {
      const file = AssetFile.safeParse(request.params.file);
      if (!file.success) throw new AppError('route_not_found');
      const asset = await findOwned(currentUser(request).id, request.params.id);
      const key = file.data === 'content' ? asset.storageKey : asset.posterKey;
      if (!key) throw new AppError('not_found', 'This asset has no poster.');
      const url = await services.store.signedUrl(key, services.config.SIGNED_URL_TTL_SECONDS);
      return reply.header('cache-control', 'private, no-store').redirect(url, 302);
    });

    /** Removes the asset and every object of its job. */
    app.delete<{ Params: { id: string } }>('/api/assets/:id', async (request, reply) => {
      const user = currentUser(request);
      const asset = await deleteAssetForUser(services.pool, user.id, parseId(request.params.id, 'asset_not_found'));
      if (!asset) throw new AppError('asset_not_found');
      await services.store.deletePrefix(jobPrefix(user.id, asset.jobId));
      return reply.status(204).send();
    });
  };
}
