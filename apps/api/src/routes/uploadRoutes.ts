import { randomUUID } from 'node:crypto';
import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, type UploadAnswer, uploadLimits } from '@atelier/contracts';
import { insertUploadedAsset } from '@atelier/db';
import { normalizeUpload } from '@atelier/media';
import { uploadObjectKey } from '@atelier/storage';
import { currentUser, requireUser } from '../plugins/authenticate.ts';
import type { ApiServices } from '../services.ts';
import { assetView } from './assetView.ts';

/** The one file of the request, read whole within the size limit, or a 4xx that says what was wrong. */
async function uploadedFile(app: FastifyInstance, request: FastifyRequest): Promise<Buffer> {
  if (!request.isMultipart()) throw new AppError('unsupported_media_type', 'Send the picture as multipart/form-data, in the field "file".');
  try {
    const file = await request.file();
    if (file?.fieldname !== 'file') throw new AppError('validation_failed', 'file: send the picture in the multipart field "file".');
    const data = await file.toBuffer();
    // Busboy stops reading one byte past the limit (see the plugin's options below); what
    // reaches it is over the limit whether or not the plugin noticed the cut in time.
    if (data.length > uploadLimits.maxBytes || file.file.truncated) throw new AppError('upload_too_large');
    return data;
  } catch (error) {
    if (error instanceof app.multipartErrors.RequestFileTooLargeError) throw new AppError('upload_too_large');
    if (error instanceof app.multipartErrors.FilesLimitError) throw new AppError('validation_failed', 'file: send one picture at a time.');
    throw error;
  }
}

/**
 * `POST /api/uploads`: a person's own picture, to use as the input of a model that takes one.
 * Nothing is kept until the whole picture has decoded; the stored copy is upright and carries
 * no metadata (no camera, no location).
 */
export function uploadRoutes(services: ApiServices) {
  return async (app: FastifyInstance) => {
    await app.register(fastifyMultipart, { limits: { fileSize: uploadLimits.maxBytes + 1, files: 1, fields: 4, parts: 5 } });
    app.addHook('preHandler', requireUser(services));

    app.post('/api/uploads', async (request, reply) => {
      const user = currentUser(request);
      const image = await normalizeUpload(await uploadedFile(app, request));
      const id = randomUUID();
      const stored = await services.store.put(uploadObjectKey(user.id, id, image.extension), image.data, { contentType: image.contentType });
      try {
        const asset = await insertUploadedAsset(services.pool, {
          id,
          userId: user.id,
          storageKey: stored.key,
          contentType: image.contentType,
          bytes: stored.bytes,
          width: image.width,
          height: image.height,
          blurhash: image.blurhash,
        });
        const answer: UploadAnswer = { asset: assetView(asset) };
        return reply.status(201).send(answer);
      } catch (error) {
        // No object without its row.
        await services.store.delete(stored.key);
        throw error;
      }
    });
  };
}
