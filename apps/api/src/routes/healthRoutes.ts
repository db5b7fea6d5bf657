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
    app.get('/readyz', async (request) => {
      const check = async (code: 'database_unavailable' | 'queue_unavailable', probe: () => Promise<unknown>) => {
        try {
          await withTimeout(probe(), 1_000);
        } catch (error) {
          request.log.warn({ err: error }, `readiness: ${code}`);
          throw new AppError(code);
        }
      };
      await check('database_unavailable', () => services.pool.query('SELECT 1'));
      await check('queue_unavailable', () => services.redis.ping());
      return { status: 'ready' };
    });
  };
}
