import { loadConfigOrExit } from '@atelier/config';
import { checkEvictionPolicy } from '@atelier/queue';
import { apiConfigSchema } from './config.ts';
import { createApiServices } from './services.ts';
import { buildApp } from './app.ts';
import { createLogger } from './logger.ts';

/** One API process: `atelier api`. Stops accepting on SIGTERM, closes streams with a retry hint, exits. */
export async function startApi(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = loadConfigOrExit(apiConfigSchema, env);
  const log = createLogger('api', config.LOG_LEVEL);
  const services = createApiServices(config, log);
  const warning = await checkEvictionPolicy(services.redis).catch((error: Error) => `could not read Redis eviction policy: ${error.message}`);
  if (warning) log.warn(warning);
  const app = await buildApp(services);
  await app.listen({ port: config.PORT, host: config.HOST });

  const shutdown = async (signal: string) => {
    log.info({ signal }, 'shutting down');
    services.streams.closeAll();
    await app.close();
    await services.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}
