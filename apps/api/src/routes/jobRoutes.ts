import type { FastifyInstance, FastifyReply } from 'fastify';
import { AppError } from '@atelier/contracts';
import { decodeCursor, findAssetOfJobForUser, findJobForUser, listJobsForUser } from '@atelier/db';
import { currentUser, requireUser } from '../plugins/authenticate.ts';
import type { ApiServices } from '../services.ts';
import { jobView } from '../jobView.ts';
import { PageQuery, parseId } from './params.ts';
import { cancelJob } from '../services/cancelJob.ts';

export function jobRoutes(services: ApiServices) {
  const redirectToObject = async (reply: FastifyReply, key: string | null) => {
    if (!key) throw new AppError('not_found', 'This job has no such file yet.');
    const url = await services.store.signedUrl(key, services.config.SIGNED_URL_TTL_SECONDS);
    return reply.header('cache-control', 'private, no-store').redirect(url, 302);
  };

  return async (app: FastifyInstance) => {
    app.addHook('preHandler', requireUser(services));

    app.get('/api/jobs', async (request) => {
      const query = PageQuery.parse(request.query);
      const cursor = query.cursor === undefined ? null : decodeCursor(query.cursor);
      if (query.cursor !== undefined && cursor === null) throw new AppError('validation_failed', 'cursor: not a cursor this API gave out');
      const page = await listJobsForUser(services.pool, currentUser(request).id, query.limit, cursor);
      return { items: page.items.map(jobView), nextCursor: page.nextCursor };
    });

    app.get<{ Params: { id: string } }>('/api/jobs/:id', async (request) => {
      const job = await findJobForUser(services.pool, currentUser(request).id, parseId(request.params.id, 'job_not_found'));
      if (!job) throw new AppError('job_not_found');
      return { job: jobView(job) };
    });

    app.delete<{ Params: { id: string } }>('/api/jobs/:id', async (request) => {
      const job = await cancelJob(services, currentUser(request), parseId(request.params.id, 'job_not_found'));
      return { job: jobView(job) };
    });

    app.get<{ Params: { id: string } }>('/api/jobs/:id/output', async (request, reply) => {
      const job = await findJobForUser(services.pool, currentUser(request).id, parseId(request.params.id, 'job_not_found'));
      if (!job) throw new AppError('job_not_found');
      return redirectToObject(reply, job.outputKey);
    });

    app.get<{ Params: { id: string } }>('/api/jobs/:id/poster', async (request, reply) => {
      const jobId = parseId(request.params.id, 'job_not_found');
      const asset = await findAssetOfJobForUser(services.pool, currentUser(request).id, jobId);
      if (!asset) throw new AppError('job_not_found');
      return redirectToObject(reply, asset.posterKey);
    });

    app.get<{ Params: { id: string } }>('/api/jobs/:id/preview', async (request, reply) => {
      const job = await findJobForUser(services.pool, currentUser(request).id, parseId(request.params.id, 'job_not_found'));
      if (!job) throw new AppError('job_not_found');
      return redirectToObject(reply, job.previewKey);
    });
  };
}
