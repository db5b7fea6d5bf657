import type { FastifyInstance } from 'fastify';
import { AppError } from '@atelier/contracts';
import type { ApiServices } from '../services.ts';

const withTimeout = <T>(promise: Promise<T>, ms: number): Promise<T> =>
  Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms).unref())]);

export function healthRoutes(services: ApiServices) {
  return async (app: FastifyInstance) => {
    /** The process is up. */
    app.get('/healthz', async () => ({ status: 'ok' }));

    /** PostgreSQL and Redis both answer: this instance can take traffic. */
    app.get('/readyz', async () => {
      try {
        await withTimeout(services.pool.query('SELECT 1'), 1_000);
      } catch {
        throw new AppError('database_unavailable');
      }
      try {
        await withTimeout(services.redis.ping(), 1_000);
      } catch {
        throw new AppError('queue_unavailable');
      }
      return { status: 'ready' };
    });
  };
}
