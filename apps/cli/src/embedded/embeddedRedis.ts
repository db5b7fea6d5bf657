import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { Redis } from 'ioredis';

const MISSING_REDIS = `redis-server is not installed. Install it (Debian/Ubuntu: sudo apt-get install -y redis-server; macOS: brew install redis), or set REDIS_URL to a Redis you run.`;

class PortTaken extends Error {}

/** Until the redis-server with this pid answers at `url`; another one there (a port already taken) is an error. */
async function waitForRedis(url: string, pid: number | undefined, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    // connect() rejects with the same error; without a listener ioredis would also print it as unhandled.
    redis.on('error', (error: Error) => void error);
    try {
      await redis.connect();
      const answering = Number(/process_id:(\d+)/.exec(await redis.info('server'))?.[1]);
      if (answering !== pid) throw new PortTaken(`another redis-server (pid ${answering}) already listens on ${url}; set EMBEDDED_REDIS_PORT to a free port`);
      return;
    } catch (error) {
      if (error instanceof PortTaken) throw error;
      if (Date.now() > deadline) throw new Error(`redis-server did not answer on ${url}: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      redis.disconnect();
    }
  }
}

export interface EmbeddedRedis {
  url: string;
  process: ChildProcess;
  /** SIGTERM (redis-server writes its append-only file out and exits), and wait for the exit. */
  stop(): Promise<void>;
}

/** A redis-server of our own, its data (append-only file) in `dir`, configured as BullMQ needs. */
export async function startEmbeddedRedis(dir: string, port: number): Promise<EmbeddedRedis> {
  await mkdir(dir, { recursive: true });
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', '', '--maxmemory-policy', 'noeviction'],
    {
      stdio: 'ignore',
      // Its own process group: a Ctrl-C at the terminal must not stop it before the API and the worker.
      detached: true,
    },
  );
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? new Error(MISSING_REDIS) : error));
  });
  await spawned;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const url = `redis://127.0.0.1:${port}`;
  try {
    await waitForRedis(url, child.pid, 10_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, process: child, stop };
}
