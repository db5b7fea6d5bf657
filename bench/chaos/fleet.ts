/**
 * Every process a chaos run needs, each of its own and on its own ports: a database on the
 * machine's PostgreSQL reached through a TCP proxy that can be cut, a persistent redis-server,
 * API processes and worker processes. A killed process is started again by `replace*`, on the
 * same port for an API, as a supervisor would.
 */
import type { ChildProcess } from 'node:child_process';
import { Queue } from 'bullmq';
import { queues, type GenerationPayload } from '@atelier/contracts';
import { TestPlatform } from '../../test/support/platform.ts';
import { PrivateRedis } from '../../test/support/redisServer.ts';
import { TcpProxy } from '../../test/support/tcpProxy.ts';

export interface ApiProcess {
  process: ChildProcess;
  baseUrl: string;
  port: number;
}

export interface FleetOptions {
  apis: number;
  workers: number;
  env: NodeJS.ProcessEnv;
  workerEnv: NodeJS.ProcessEnv;
}

export class Fleet {
  readonly apis: ApiProcess[] = [];
  readonly workers: ChildProcess[] = [];
  /** The generation queue, read on the fleet's Redis. */
  readonly queue: Queue<GenerationPayload>;

  private constructor(
    readonly platform: TestPlatform,
    readonly redis: PrivateRedis,
    readonly databaseProxy: TcpProxy,
    private readonly options: FleetOptions,
  ) {
    this.queue = new Queue<GenerationPayload>(queues.generation.name, { connection: platform.redis, prefix: platform.env.QUEUE_PREFIX });
  }

  static async start(options: FleetOptions): Promise<Fleet> {
    const [redis, databaseProxy] = await Promise.all([PrivateRedis.start({ persistent: true }), TcpProxy.start('127.0.0.1', 5432)]);
    const platform = await TestPlatform.start({ ...options.env, REDIS_URL: redis.url }, { routeDatabase: (url) => databaseProxy.urlFor(url) });
    const fleet = new Fleet(platform, redis, databaseProxy, options);
    for (let i = 0; i < options.apis; i++) fleet.apis.push(await fleet.startApi());
    fleet.workers.push(...(await Promise.all(Array.from({ length: options.workers }, () => fleet.startWorker()))));
    return fleet;
  }

  get apiUrls(): string[] {
    return this.apis.map((api) => api.baseUrl);
  }

  startWorker(): Promise<ChildProcess> {
    return this.platform.startWorker({ ...this.options.env, ...this.options.workerEnv, LOG_LEVEL: 'warn' });
  }

  async replaceWorker(dead: ChildProcess): Promise<ChildProcess> {
    const fresh = await this.startWorker();
    this.workers[this.workers.indexOf(dead)] = fresh;
    return fresh;
  }

  async replaceApi(index: number): Promise<ApiProcess> {
    const api = await this.startApi(this.apis[index]!.port);
    this.apis[index] = api;
    return api;
  }

  private async startApi(port?: number): Promise<ApiProcess> {
    const extra = port === undefined ? this.options.env : { ...this.options.env, PORT: String(port) };
    const { process, baseUrl } = await this.platform.startApiProcess(extra);
    return { process, baseUrl, port: Number(new URL(baseUrl).port) };
  }

  async stop(): Promise<void> {
    await this.queue.close();
    for (const worker of this.workers) worker.kill('SIGCONT');
    await this.platform.stop().catch((error: Error) => console.error(`platform clean-up: ${error.message}`));
    await this.databaseProxy.close();
    await this.redis.close();
  }
}
