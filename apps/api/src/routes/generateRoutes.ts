import type { FastifyInstance } from 'fastify';
import { AppError, JobKind } from '@atelier/contracts';
import { currentUser, requireUser } from '../plugins/authenticate.ts';
import type { ApiServices } from '../services.ts';
import { submitGeneration } from '../services/submitGeneration.ts';
import { jobStreamPath, jobView } from '../jobView.ts';
import { streamJobEvents } from '../sse/streamJobEvents.ts';
import { parseId } from './params.ts';

export function generateRoutes(services: ApiServices) {
  return async (app: FastifyInstance) => {
    app.addHook('preHandler', requireUser(services));

    app.post<{ Params: { kind: string } }>('/api/generate/:kind', async (request, reply) => {
      const kind = JobKind.safeParse(request.params.kind);
      if (!kind.success) throw new AppError('unknown_kind', `Unknown kind "${request.params.kind}"; use one of ${JobKind.options.join(', ')}.`);
      const job = await submitGeneration(services, currentUser(request), kind.data, request.body, request.id);
      return reply.status(202).send({ job: jobView(job), streamUrl: jobStreamPath(job.id) });
    });

    app.get<{ Params: { id: string } }>('/api/generate/:id/stream', async (request, reply) => {
      const jobId = parseId(request.params.id, 'job_not_found');
      await streamJobEvents(services, currentUser(request), jobId, request, reply);
    });
  };
}
