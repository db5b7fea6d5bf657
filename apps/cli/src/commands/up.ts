import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { loadConfigOrExit } from '@atelier/config';
import { migrate } from '@atelier/db';
import { unavailableModels } from '@atelier/engines';
import { upConfigSchema, upOnlySettings, type UpConfig } from '../cliConfig.ts';
import { startEmbeddedRedis } from '../embedded/embeddedRedis.ts';
import { findLocalPostgres, publishRunningDatabaseUrl } from '../embedded/embeddedDatabase.ts';
import { startEmbeddedPglite } from '../embedded/embeddedPglite.ts';
import { startDevOidcProvider, type DevOidcProvider } from '../embedded/devOidcProvider.ts';
import { relayChildLogs } from '../embedded/childLogs.ts';

const atelierBin = fileURLToPath(new URL('../../bin/atelier.js', import.meta.url));
/** PGlite runs one query at a time for everyone: a few connections per process are plenty. */
const PGLITE_POOL_SIZE = 4;
/** The API and the worker bound their own shutdown; this is the last resort past them. */
const CHILD_EXIT_TIMEOUT_MS = 60_000;

type Stop = () => Promise<void>;

interface Database {
  url: string;
  /** For the person at the terminal. */
  description: string;
  poolSize?: number;
  /** False for PGlite: one session serves every connection, so statement names would collide and notices go astray. */
  preparedStatements?: false;
  stop?: Stop;
}

/** DATABASE_URL; else, as EMBEDDED_DATABASE says, the local PostgreSQL or PGlite inside this process. */
async function chooseDatabase(config: UpConfig, dataDir: string, onFailure: (error: Error) => void): Promise<Database> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, description: 'DATABASE_URL' };
  const pgliteDir = resolve(dataDir, 'pglite');
  if (config.EMBEDDED_DATABASE !== 'pglite') {
    const local = await findLocalPostgres();
    if (local) {
      const unused = existsSync(pgliteDir) ? ` (${pgliteDir} holds an embedded database, unused now: EMBEDDED_DATABASE=pglite uses it)` : '';
      return { url: local, description: `the local PostgreSQL, database atelier${unused}` };
    }
    if (config.EMBEDDED_DATABASE === 'local') {
      throw new Error(
        'EMBEDDED_DATABASE=local and no PostgreSQL answers at 127.0.0.1:5432. Install it (Debian/Ubuntu: sudo apt-get install -y postgresql, then allow trust), set DATABASE_URL, or leave EMBEDDED_DATABASE unset for the embedded PGlite.',
      );
    }
  }
  process.stdout.write(
    `Starting PGlite in ${pgliteDir}${existsSync(resolve(pgliteDir, 'PG_VERSION')) ? '' : ' (the first start creates the database: some 15 s)'}\n`,
  );
  const poolSize = config.DATABASE_POOL_SIZE ?? PGLITE_POOL_SIZE;
  const pglite = await startEmbeddedPglite({
    dir: pgliteDir,
    port: config.EMBEDDED_DATABASE_PORT,
    // The API's pool and the worker's, with room for CLI commands and `atelier migrate`.
    maxConnections: 2 * poolSize + 8,
    onFailure,
  });
  return {
    url: pglite.url,
    description: `PGlite (PostgreSQL in WebAssembly) inside this process, data in ${pgliteDir}`,
    poolSize,
    preparedStatements: false,
    stop: pglite.close,
  };
}

/** The last thing `up` prints, once the API listens and the worker takes jobs: the one address to open. */
function banner(publicUrl: string, database: string, devSignIn: boolean, missingPrograms: boolean): string {
  return (
    `\nAtelier is running. Open ${publicUrl}/app\n` +
    (devSignIn ? 'Sign in with any email: a development provider on this machine vouches for it.\n' : '') +
    `Database: ${database}\n` +
    'For scripts, an account and its API key in KEY:\n' +
    '  npx atelier users create --email you@example.com --credits 500\n' +
    '  KEY=$(npx atelier keys create --email you@example.com)\n' +
    (missingPrograms ? 'Some kinds cannot run until the programs named above are installed.\n' : '') +
    '\n'
  );
}

/**
 * `npm start`: the whole platform on one machine. Whatever is not configured is embedded:
 * the database (the local PostgreSQL, or PGlite in this process), a redis-server with its data
 * in ./data, and local-disk storage in ./data/objects. Then migrations, one API and one
 * worker, each its own process, as in production. On SIGTERM or SIGINT, or when a child
 * exits, the children stop first and then what they use.
 */
export async function runUp(): Promise<void> {
  const config = loadConfigOrExit(upConfigSchema);
  const dataDir = resolve(config.ATELIER_DATA_DIR);
  await mkdir(dataDir, { recursive: true });
  // The children get this environment and parse it themselves; the up-only settings they would refuse.
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of upOnlySettings) delete env[name];
  // One address for people, the one sign-in's cookies and callback are made for; the API sends
  // the other loopback names there (apps/api/src/plugins/canonicalLoopback.ts).
  const publicUrl = config.PUBLIC_URL ?? `http://localhost:${config.PORT}`;
  env.PUBLIC_URL = publicUrl;
  env.HOST = config.HOST;

  /** What this process started besides the API and the worker, stopped in reverse order. */
  const started: Stop[] = [];
  const children: ChildProcess[] = [];
  let failures = 0;
  const stopStarted = async () => {
    for (let stop = started.pop(); stop; stop = started.pop()) {
      await stop().catch((error: Error) => {
        failures++;
        process.stderr.write(`atelier up: while stopping: ${error.message}\n`);
      });
    }
  };
  let stopping: Promise<void> | null = null;
  const stopAll = (reason: string | null, exitCode: number) =>
    (stopping ??= (async () => {
      if (reason) process.stderr.write(`atelier up: ${reason}; stopping\n`);
      const running = children.filter((child) => child.exitCode === null && child.signalCode === null);
      const killer = setTimeout(() => {
        for (const child of running) child.kill('SIGKILL');
      }, CHILD_EXIT_TIMEOUT_MS);
      await Promise.all(
        running.map((child) => {
          const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
          child.kill('SIGTERM');
          return exited;
        }),
      );
      clearTimeout(killer);
      for (const child of children) if (child.exitCode !== 0 && child.signalCode !== 'SIGTERM') failures++;
      await stopStarted();
      process.exit(exitCode || (failures > 0 ? 1 : 0));
    })());

  let startupDone = false;
  let stopRequested = false;
  const startup = start();
  // A signal while starting waits for the start to finish (PGlite's first start must not be
  // cut short), then stops what was started, with no API or worker; a second Ctrl-C kills
  // this process outright.
  const onSignal = () => {
    stopRequested = true;
    if (!startupDone) process.stderr.write('atelier up: stopping once started\n');
    // A failed start is reported by the command itself; here there is only nothing to stop.
    startup.then(
      () => void stopAll(null, 0),
      () => undefined,
    );
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  await startup;
  startupDone = true;

  async function start(): Promise<void> {
    let database: Database;
    let devOidc: DevOidcProvider | null = null;
    try {
      database = await chooseDatabase(config, dataDir, (error) => void stopAll(`the embedded database failed (${error.message})`, 1));
      if (database.stop) started.push(database.stop);
      env.DATABASE_URL = database.url;
      if (database.poolSize) env.DATABASE_POOL_SIZE = String(database.poolSize);
      if (database.preparedStatements === false) {
        env.DATABASE_PREPARED_STATEMENTS = 'false';
        // PGlite's one session hands a commit's notices to the connection that committed, not to the API's listener.
        env.AUTH_CACHE_TTL_MS = '0';
      }
      if (!config.REDIS_URL) {
        const redis = await startEmbeddedRedis(resolve(dataDir, 'redis'), config.EMBEDDED_REDIS_PORT);
        started.push(redis.stop);
        env.REDIS_URL = redis.url;
      }
      env.STORAGE_LOCAL_DIR = config.STORAGE_LOCAL_DIR ?? resolve(dataDir, 'objects');
      // A machine trying Atelier out receives its webhooks on itself, over plain http; an operator's own value wins.
      env.WEBHOOK_ALLOW_PRIVATE ??= 'true';
      env.WEBHOOK_ALLOW_HTTP ??= 'true';
      await migrate(database.url);
      // For `atelier users create` and the other commands, while this runs.
      if (!config.DATABASE_URL) started.push(await publishRunningDatabaseUrl(dataDir, database.url));
      // With no real provider configured, sign-in goes through a local one that takes any email.
      if (!config.OIDC_CLIENT_ID) {
        const callbackUrl = new URL('/auth/google/callback', publicUrl).href;
        devOidc = await startDevOidcProvider({ redirectUri: callbackUrl, nodeEnv: config.NODE_ENV });
        started.push(devOidc.close);
        Object.assign(env, devOidc.env);
      }
    } catch (error) {
      await stopStarted();
      throw error;
    }

    if (stopRequested) return;
    // Said before anything starts, so it does not scroll away; the worker says it again and refuses those jobs.
    const catalog = config.ATELIER_MODELS;
    const unavailable = await unavailableModels(
      catalog,
      catalog.visible().map((model) => model.id),
    );
    for (const { message } of unavailable) process.stderr.write(`atelier up: cannot run ${message}\n`);

    const ready = { api: false, worker: false };
    // Each child says 'ready' over its IPC channel once it serves (tellParentReady).
    const printBannerOnceReady = (role: 'api' | 'worker') => (message: unknown) => {
      if (ready[role] || message !== 'ready') return;
      ready[role] = true;
      if (!(ready.api && ready.worker)) return;
      // A child's lines written before it said 'ready' are already in its stdout pipe, but that
      // pipe and the IPC channel are read separately: after this poll phase the relay has them.
      setImmediate(() => process.stdout.write(banner(publicUrl, database.description, devOidc !== null, unavailable.length > 0)));
    };
    for (const role of ['api', 'worker'] as const) {
      // In a process group of its own, so that a Ctrl-C reaches only this process, which then
      // stops the children once each, and what they use after them.
      const child = spawn(process.execPath, [atelierBin, role], { env, stdio: ['ignore', 'pipe', 'inherit', 'ipc'], detached: true });
      relayChildLogs(child.stdout!, process.stdout, process.stdout.isTTY === true);
      child.on('message', printBannerOnceReady(role));
      child.once('exit', (code, signal) => {
        if (!stopping) void stopAll(`atelier ${role} exited with ${code ?? signal}`, code || 1);
      });
      children.push(child);
    }
  }
}
