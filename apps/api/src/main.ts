import { createLogger, loadConfigOrExit, tellParentReady } from '@atelier/config';
import { checkEvictionPolicy } from '@atelier/queue';
import { apiConfigSchema } from './config.ts';
import { createApiServices } from './services.ts';
import { buildApp } from './app.ts';

/** One API process: `atelier api`. Stops accepting on SIGTERM, closes streams with a retry hint, exits. */
export async function startApi(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = loadConfigOrExit(apiConfigSchema, env);
  const log = createLogger('api', config.LOG_LEVEL);
  const services = createApiServices(config, log);
  // Not awaited: the API starts while Redis is down (submits answer 503 until it is back).
  checkEvictionPolicy(services.redis).then(
    (warning) => warning && log.warn(warning),
    (error: Error) => log.warn({ err: error }, 'could not read Redis maxmemory-policy (CONFIG GET refused?); BullMQ needs "noeviction"'),
  );
  const app = await buildApp(services);
  // The address people open is PUBLIC_URL, whatever interface this listens on.
  await app.listen({ port: config.PORT, host: config.HOST, listenTextResolver: (address) => `listening on ${address}; open ${config.PUBLIC_URL}` });
  // Fastify writes its listening line just after listen() resolves: say ready after it, so the
  // banner `atelier up` prints on it comes last.
  setImmediate(tellParentReady);

  /*
   * SIGTERM: stop accepting connections first, then end every job stream with a `retry:` hint
   * and its connection (clients come back through the load balancer to another instance and
   * resume by Last-Event-ID), then let in-flight requests finish (new requests on kept-alive
   * connections get 503) and exit. A request that outlives SHUTDOWN_TIMEOUT_MS is cut.
   */
  const shutdown = async (signal: string) => {
    log.info({ signal, streams: services.streams.size }, 'shutting down: no new connections, closing streams');
    setTimeout(() => {
      log.error('in-flight requests did not finish in time; exiting');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS).unref();
    app.server.close();
    services.streams.closeAll();
    await app.close();
    await services.close();
    log.info('api stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}
