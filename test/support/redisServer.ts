import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './platform.ts';

/**
 * A redis-server of this test's own, on a free loopback port, for faults that must not touch
 * the shared one: FLUSHALL, stopping it, another eviction policy. `stop()` and `start()` keep
 * the port, so clients reconnect to the same address. A `persistent` one keeps an append-only
 * file in its folder (fsynced every second), so it can be restarted with its data or without.
 */
export class PrivateRedis {
  private process: ChildProcess | null = null;

  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly persistent: boolean,
  ) {}

  static async start(options: { persistent?: boolean } = {}): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort(), await mkdtemp(join(tmpdir(), 'atelier-redis-')), options.persistent ?? false);
    await redis.start();
    return redis;
  }

  /**
   * Stop and start again: with its data (SIGTERM: Redis writes its append-only file out
   * first), or without (SIGKILL, and its folder emptied), as a host that lost its disk.
   */
  async restart(keepData: boolean): Promise<void> {
    await this.stop(keepData ? 'SIGTERM' : 'SIGKILL');
    if (!keepData) {
      await rm(this.dir, { recursive: true, force: true });
      await mkdir(this.dir, { recursive: true });
    }
    await this.start();
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const appendOnly = this.persistent ? ['--appendonly', 'yes', '--appendfsync', 'everysec'] : ['--appendonly', 'no'];
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', ...appendOnly, '--dir', this.dir], {
      stdio: 'ignore',
    });
    this.process = child;
    for (let attempt = 0; attempt < 100; attempt++) {
      const client = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      client.on('error', () => {});
      const up = await client
        .connect()
        .then(() => client.ping())
        .then(
          () => true,
          () => false,
        );
      client.disconnect();
      if (up) return;
      if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('redis-server did not answer within 5 s');
  }

  async stop(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
    this.process = null;
  }

  /** A short-lived client for one command. */
  async command<T>(run: (client: Redis) => Promise<T>): Promise<T> {
    const client = new Redis(this.url, { maxRetriesPerRequest: 1 });
    try {
      return await run(client);
    } finally {
      client.disconnect();
    }
  }

  async close(): Promise<void> {
    await this.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}
