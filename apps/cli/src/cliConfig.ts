import { z } from 'zod';
import { authConfig, catalogConfig, databaseConfig, engineConfig, loadConfigOrExit, logConfig, port, redisConfig, storageConfig } from '@atelier/config';
import { readRunningDatabaseUrl, useLocalPostgres } from './embedded/embeddedDatabase.ts';

/**
 * Where `atelier up` keeps what it embeds (Redis, PGlite, objects); relative to where it runs.
 * ATELIER_MODELS is shared with the API and the workers: every command checks the catalog file
 * too, so a broken one is named by whichever process reads it first.
 */
const dataDirConfig = { ATELIER_DATA_DIR: z.string().min(1).default('data'), ...catalogConfig };

/**
 * `atelier up`. Its own settings, and those of the children it reads to fill in their defaults.
 * Everything in the environment goes on to the API and the worker, which parse it themselves;
 * the up-only settings (`upOnlySettings`) are taken out first.
 */
export const upConfigSchema = z
  .object({
    ...dataDirConfig,
    DATABASE_URL: databaseConfig.DATABASE_URL.optional(),
    DATABASE_POOL_SIZE: databaseConfig.DATABASE_POOL_SIZE.optional(),
    /**
     * With no DATABASE_URL: `auto` uses the PostgreSQL at 127.0.0.1:5432 if one answers, else
     * PGlite (PostgreSQL in WebAssembly) inside `up`, its data in $ATELIER_DATA_DIR/pglite;
     * `pglite` and `local` choose one and never the other.
     */
    EMBEDDED_DATABASE: z.enum(['auto', 'pglite', 'local']).default('auto'),
    /** The loopback port PGlite is served on, for the API, the worker and the CLI. */
    EMBEDDED_DATABASE_PORT: port(6391),
    REDIS_URL: redisConfig.REDIS_URL.optional(),
    /** The loopback port of the redis-server `up` starts when REDIS_URL is unset. */
    EMBEDDED_REDIS_PORT: port(6390),
    STORAGE_LOCAL_DIR: storageConfig.STORAGE_LOCAL_DIR.optional(),
    /** Unset: http://localhost:$PORT, the one address the banner tells people to open. */
    PUBLIC_URL: z.string().url().optional(),
    PORT: port(3000),
    /** The API's address: loopback, so a platform on embedded defaults is not open to the network; `HOST=0.0.0.0` opens it. */
    HOST: z.string().min(1).default('127.0.0.1'),
    ...engineConfig,
    OIDC_CLIENT_ID: authConfig.OIDC_CLIENT_ID,
    NODE_ENV: logConfig.NODE_ENV,
  })
  .superRefine((config, context) => {
    if (config.DATABASE_URL && config.EMBEDDED_DATABASE !== 'auto') {
      context.addIssue({
        code: 'custom',
        path: ['EMBEDDED_DATABASE'],
        message: `chooses the database embedded when DATABASE_URL is unset; both are set (unset one)`,
      });
    }
  });
export type UpConfig = z.infer<typeof upConfigSchema>;

/** Read by `up` alone: the API and the worker would refuse ATELIER_DATA_DIR as unknown. */
export const upOnlySettings = ['ATELIER_DATA_DIR', 'EMBEDDED_DATABASE', 'EMBEDDED_DATABASE_PORT', 'EMBEDDED_REDIS_PORT'] as const;

/**
 * What the administrative commands need: only the database. With no DATABASE_URL, the one a
 * running `atelier up` is using (it writes its address to $ATELIER_DATA_DIR/database-url),
 * else the local PostgreSQL.
 */
export async function databaseUrl(): Promise<string> {
  const config = loadConfigOrExit(z.object({ ...dataDirConfig, DATABASE_URL: databaseConfig.DATABASE_URL.optional() }));
  return config.DATABASE_URL ?? (await readRunningDatabaseUrl(config.ATELIER_DATA_DIR)) ?? useLocalPostgres();
}
