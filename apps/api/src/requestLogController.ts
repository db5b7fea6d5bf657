import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * Fastify's request lines at `debug`, not `info`: at `info` every request is two lines, which
 * flooded the terminal of `npm start` (678 lines in 12 minutes of one person clicking) and
 * buried what matters. Request latency and counts are in the metrics; failed requests still
 * log at `error`; `LOG_LEVEL=debug` shows every request again.
 */
export class RequestLogController extends LogController {
  constructor() {
    // The same key as the worker's log lines, so one query finds a job's whole path.
    super({ requestIdLogLabel: 'request_id' });
  }

  override incomingRequest(request: FastifyRequest): void {
    request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error) super.requestCompleted(error, request, reply);
    else reply.log.debug({ res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }

  override routeNotFound(request: FastifyRequest): void {
    request.log.debug(`Route ${request.method}:${request.url} not found`);
  }
}
