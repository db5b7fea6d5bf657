import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { migrate } from '@atelier/db';
import { startEmbeddedRedis } from '../embedded/embeddedRedis.ts';
import { useLocalPostgres } from '../embedded/embeddedDatabase.ts';
import { startDevOidcProvider, type DevOidcProvider } from '../embedded/devOidcProvider.ts';

const atelierBin = fileURLToPath(new URL('../../bin/atelier.js', import.meta.url));
const EMBEDDED_REDIS_PORT = 6390;

/**
 * `npm start`: the whole platform on one machine. Whatever is not configured is embedded:
 * the database, a redis-server with its data in ./data, and local-disk storage in ./data/objects.
 * Then migrations, one API and one worker, each its own process, as in production.
 */
export async function runUp(): Promise<void> {
  const dataDir = resolve(process.env.ATELIER_DATA_DIR ?? 'data');
  const children: ChildProcess[] = [];
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.ATELIER_DATA_DIR;

  env.DATABASE_URL ??= await useLocalPostgres();
  if (!env.REDIS_URL) {
    const redis = await startEmbeddedRedis(resolve(dataDir, 'redis'), EMBEDDED_REDIS_PORT);
    children.push(redis.process);
    env.REDIS_URL = redis.url;
  }
  env.STORAGE_LOCAL_DIR ??= resolve(dataDir, 'objects');
  await migrate(env.DATABASE_URL);
  // With no real provider configured, sign-in goes through a local one that takes any email.
  let devOidc: DevOidcProvider | null = null;
  if (!env.OIDC_CLIENT_ID) {
    const callbackUrl = new URL('/auth/google/callback', env.PUBLIC_URL ?? 'http://localhost:3000').href;
    devOidc = await startDevOidcProvider({ redirectUri: callbackUrl, nodeEnv: env.NODE_ENV });
    Object.assign(env, devOidc.env);
  }

  const stopAll = () => {
    children.forEach((child) => child.kill('SIGTERM'));
    void devOidc?.close();
  };
  for (const role of ['api', 'worker']) {
    const child = spawn(process.execPath, [atelierBin, role], { env, stdio: 'inherit' });
    child.once('exit', (code) => {
      process.stderr.write(`atelier ${role} exited with ${code}; stopping\n`);
      stopAll();
      process.exitCode = code ?? 1;
    });
    children.push(child);
  }
  process.once('SIGINT', stopAll);
  process.once('SIGTERM', stopAll);
  const port = env.PORT ?? '3000';
  process.stdout.write(`\nAtelier is running: http://localhost:${port}\n` +
    `Create a user and an API key:  npm run atelier -- users create --email you@example.com\n` +
    (devOidc ? `Sign in with any email (development provider at ${devOidc.issuer}): ${env.PUBLIC_URL ?? 'http://localhost:3000'}/auth/google\n` : '') +
    '\n');
}
