import type { FastifyInstance } from 'fastify';
import { verifySignedRequest, type LocalDiskStore } from '@atelier/storage';
import type { ApiServices } from '../services.ts';

/**
 * `GET /files/*`: objects of the local-disk store, served only through URLs the API signed
 * (with an expiry). S3 deployments never reach this: their URLs point at the bucket or CDN.
 */
export function fileRoutes(services: ApiServices) {
  return async (app: FastifyInstance) => {
    if (services.store.driver !== 'local') return;
    const store = services.store as LocalDiskStore;

    app.get<{ Params: { '*': string }; Querystring: { expires?: string; signature?: string } }>('/files/*', async (request, reply) => {
      const key = request.params['*'];
      verifySignedRequest({ key, expires: request.query.expires ?? '', signature: request.query.signature ?? '' }, services.config.STORAGE_SIGNING_SECRET);
      const object = await store.openRead(key);
      return reply
        .header('content-type', object.contentType)
        .header('content-length', object.bytes)
        .header('cache-control', object.cacheControl)
        .send(object.stream);
    });
  };
}
