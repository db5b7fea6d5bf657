import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { Redis } from 'ioredis';
import { apiConfigSchema, buildApp, createApiServices, type ApiServices } from '@atelier/api';
import { parseConfig } from '@atelier/config';
import { createApiKey, createPool, createUser, type Pool, type User } from '@atelier/db';
import type { JobKind, Plan } from '@atelier/contracts';
import { createTestDatabase, type TestDatabase } from './testDatabase.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const atelierBin = new URL('../../apps/cli/bin/atelier.js', import.meta.url).pathname;

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface TestUser {
  user: User;
  apiKey: string;
  headers: Record<string, string>;
}

/**
 * A whole Atelier for one test file: its own database, its own queue prefix on the real
 * Redis, its own storage folder; the API in this process on a real port, workers as real
 * child processes.
 */
export class TestPlatform {
  readonly env: NodeJS.ProcessEnv;
  readonly baseUrl: string;
  readonly pool: Pool;
  readonly redis: Redis;
  /** Every child process this platform started, killed on stop. */
  private readonly children = new Set<ChildProcess>();
  /** What each child printed on stdout (its log lines), for tests that look for one. */
  private readonly outputs = new WeakMap<ChildProcess, string[]>();
  private app: FastifyInstance | null = null;
  /** Where the local object store keeps this platform's objects. */
  readonly storageDirectory: string;
  services: ApiServices | null = null;

  private constructor(
    private readonly database: TestDatabase,
    private readonly storageDir: string,
    port: number,
    extraEnv: NodeJS.ProcessEnv,
  ) {
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: database.url,
      DATABASE_POOL_SIZE: '5',
      REDIS_URL,
      QUEUE_PREFIX: `{test-${randomBytes(4).toString('hex')}}`,
      STORAGE_LOCAL_DIR: storageDir,
      PUBLIC_URL: this.baseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      WORKER_CONCURRENCY: '2',
      // Tests race many submits of one user at once (ledger, priority); the burst limit has its own test.
      SUBMIT_BURST_MAX: '1000',
      // Every test client is 127.0.0.1: the per-address limits have their own test (test/auth/authThrottle.test.ts).
      AUTH_FAILURE_MAX: '100000',
      LOGIN_START_MAX: '100000',
      // Its first run would grant an operator-set Pro user the month's credits whenever a worker starts; it has its own test (test/billing/scheduledGrants.test.ts).
      MONTHLY_GRANT_INTERVAL_MS: '0',
      ...extraEnv,
    };
    this.pool = createPool(database.url, 4);
    this.storageDirectory = storageDir;
    this.redis = new Redis(this.env.REDIS_URL!, { maxRetriesPerRequest: 1 });
    this.redis.on('error', () => {});
  }

  /**
   * `routeDatabase` gives the address the platform's processes reach the database by (a
   * proxy that can be cut); the platform's own pool, for checks, connects directly.
   */
  static async start(extraEnv: NodeJS.ProcessEnv = {}, options: { routeDatabase?: (url: string) => string } = {}): Promise<TestPlatform> {
    const [database, storageDir, port] = await Promise.all([createTestDatabase(), mkdtemp(join(tmpdir(), 'atelier-objects-')), freePort()]);
    const routed = options.routeDatabase ? { DATABASE_URL: options.routeDatabase(database.url) } : {};
    const platform = new TestPlatform(database, storageDir, port, { ...routed, ...extraEnv });
    await platform.startApi();
    return platform;
  }

  async startApi(): Promise<void> {
    const config = parseConfig(apiConfigSchema, this.env);
    this.services = createApiServices(config, pino({ level: config.LOG_LEVEL }));
    this.app = await buildApp(this.services);
    await this.app.listen({ port: config.PORT, host: config.HOST });
  }

  async stopApi(): Promise<void> {
    this.services?.streams.closeAll();
    await this.app?.close();
    await this.services?.close();
    this.app = null;
    this.services = null;
  }

  /**
   * A real worker process; resolves once it has said it started. `bin` runs another checkout's
   * `atelier` (bench/compareCycle.ts); `detached` makes it the leader of a process group of its
   * own, as a service manager or a terminal does, so a test can signal the whole group.
   */
  async startWorker(extraEnv: NodeJS.ProcessEnv = {}, options: { bin?: string; detached?: boolean } = {}): Promise<ChildProcess> {
    const child = this.spawnRole('worker', { ...extraEnv, LOG_LEVEL: 'info' }, options.bin, options.detached);
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('worker started') && resolve());
      child.once('exit', (code) => reject(new Error(`worker exited with ${code} before starting`)));
    });
    return child;
  }

  /**
   * A real API process on its own port (the in-process API keeps serving `baseUrl`), or on
   * `PORT` when given (a process started again in place of a dead one); resolves once it answers.
   */
  async startApiProcess(extraEnv: NodeJS.ProcessEnv = {}, options: { bin?: string } = {}): Promise<{ process: ChildProcess; baseUrl: string }> {
    const port = extraEnv.PORT ? Number(extraEnv.PORT) : await freePort();
    const child = this.spawnRole('api', { ...extraEnv, PORT: String(port) }, options.bin);
    const baseUrl = `http://127.0.0.1:${port}`;
    for (let attempt = 0; ; attempt++) {
      if (child.exitCode !== null) throw new Error(`api exited with ${child.exitCode} before answering`);
      const answered = await fetch(`${baseUrl}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (answered) return { process: child, baseUrl };
      if (attempt > 600) throw new Error('api did not answer /healthz within 60 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /**
   * Output is drained (a full pipe would stall the child) and errors go to this test's stderr.
   * With BENCH_CPU_PROFILE_DIR set, each child writes a V8 CPU profile there when it exits.
   */
  private spawnRole(role: 'api' | 'worker', extraEnv: NodeJS.ProcessEnv, bin = atelierBin, detached = false): ChildProcess {
    const profileDir = process.env.BENCH_CPU_PROFILE_DIR;
    const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
    const child = spawn(process.execPath, [...nodeArgs, bin, role], { env: { ...this.env, ...extraEnv }, stdio: ['ignore', 'pipe', 'inherit'], detached });
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    const output: string[] = [];
    this.outputs.set(child, output);
    child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    return child;
  }

  /** Everything a child process started here has printed on stdout so far. */
  outputOf(child: ChildProcess): string {
    return (this.outputs.get(child) ?? []).join('');
  }

  async createUser(options: { plan?: Plan; credits?: number; email?: string } = {}): Promise<TestUser> {
    const user = await createUser(this.pool, {
      email: options.email ?? `user-${randomBytes(4).toString('hex')}@example.com`,
      plan: options.plan ?? 'free',
      credits: options.credits ?? 1_000,
    });
    const { key } = await createApiKey(this.pool, user.id);
    return { user, apiKey: key, headers: { authorization: `Bearer ${key}` } };
  }

  /** The queue of a model (by default the image default's, which a submit without `model` gets). */
  queueOf(model: string = this.services!.catalog.defaultOf('image').id) {
    return this.services!.queues.of(model);
  }

  /** The default model of a kind, as the API's catalog has it. */
  defaultModel(kind: JobKind): string {
    return this.services!.catalog.defaultOf(kind).id;
  }

  /** Ids of every job a model's queue (by default the image default's) holds, in any state. */
  async queueJobIds(model?: string): Promise<string[]> {
    const jobs = await this.queueOf(model).getJobs(['wait', 'prioritized', 'active', 'delayed', 'completed', 'failed', 'paused']);
    return jobs.map((job) => job.id!).filter(Boolean);
  }

  async stop(): Promise<void> {
    for (const child of this.children) child.kill('SIGKILL');
    await this.stopApi();
    await this.pool.end();
    const keys = await this.redis.keys(`${this.env.QUEUE_PREFIX}*`);
    if (keys.length) await this.redis.del(...keys);
    this.redis.disconnect();
    await this.database.drop();
    await rm(this.storageDir, { recursive: true, force: true });
  }
}
