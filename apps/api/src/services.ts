import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import type { FastifyBaseLogger } from 'fastify';
import { createPool, type Pool } from '@atelier/db';
import type { Catalog } from '@atelier/contracts';
import { createRedis, GenerationQueues, JobEventHub } from '@atelier/queue';
import { createObjectStore, type ObjectStore } from '@atelier/storage';
import { createWebhookDeliveryQueue, WebhookNotifier } from '@atelier/webhooks';
import type { ApiConfig } from './config.ts';
import { SseRegistry } from './sse/sseRegistry.ts';
import { StreamSeats } from './sse/streamSeats.ts';
import { WaitEstimator } from './queue/waitEstimator.ts';
import { QueuePositionTicker } from './queue/queuePositionTicker.ts';
import { createApiMetrics } from './metrics/apiMetrics.ts';
import { ApiKeyCache } from './auth/apiKeyCache.ts';
import { AddressThrottle } from './plugins/addressThrottle.ts';

/** Everything a request handler may use, made once per process. */
export interface ApiServices {
  config: ApiConfig;
  log: FastifyBaseLogger;
  pool: Pool;
  redis: Redis;
  /** The models: built-ins and ATELIER_MODELS. */
  catalog: Catalog;
  /** One BullMQ queue per model, opened on first use. */
  queues: GenerationQueues;
  events: JobEventHub;
  streams: SseRegistry;
  streamSeats: StreamSeats;
  waitEstimator: WaitEstimator;
  queuePositions: QueuePositionTicker;
  store: ObjectStore;
  authCache: ApiKeyCache;
  /** Queues the webhook deliveries a transition made here (a cancel) owes. */
  webhooks: WebhookNotifier;
  /** Credentials that named nobody, per client address (plugins/authenticate.ts). */
  authFailures: AddressThrottle;
  /** Sign-ins started, per client address (routes/authRoutes.ts). */
  loginStarts: AddressThrottle;
  /** Served at GET /metrics. */
  metrics: Registry;
  close(): Promise<void>;
}

export function createApiServices(config: ApiConfig, log: FastifyBaseLogger): ApiServices {
  const logRedisError = (role: string) => (error: Error) => log.warn({ err: error, role }, 'redis connection error');
  const pool = createPool(config.DATABASE_URL, config.DATABASE_POOL_SIZE, { preparedStatements: config.DATABASE_PREPARED_STATEMENTS });
  const redis = createRedis(config.REDIS_URL, 'producer', logRedisError('producer'));
  const subscriber = createRedis(config.REDIS_URL, 'subscriber', logRedisError('subscriber'));
  const queues = new GenerationQueues(redis, config.QUEUE_PREFIX, logRedisError('queue'));
  const events = new JobEventHub(redis, subscriber, logRedisError('subscriber'));
  const streams = new SseRegistry(config.SSE_HEARTBEAT_MS, config.SSE_RETRY_MS);
  const streamSeats = new StreamSeats(
    redis,
    `${config.QUEUE_PREFIX}:stream-seats:`,
    config.SSE_MAX_STREAMS_PER_USER,
    config.SSE_HEARTBEAT_MS,
    logRedisError('stream seats'),
  );
  const waitEstimator = new WaitEstimator(pool);
  const webhookQueue = createWebhookDeliveryQueue(redis, config.QUEUE_PREFIX);
  webhookQueue.on('error', logRedisError('webhook queue'));
  const authCache = new ApiKeyCache(pool, config.DATABASE_URL, config.AUTH_CACHE_TTL_MS, log);
  authCache.start();
  const perAddress = (name: string, max: number, what: string) =>
    new AddressThrottle(redis, `${config.QUEUE_PREFIX}:${name}:`, max, config.AUTH_FAILURE_WINDOW_MS, what, logRedisError(name));
  return {
    config,
    log,
    pool,
    redis,
    catalog: config.ATELIER_MODELS,
    queues,
    events,
    streams,
    streamSeats,
    waitEstimator,
    queuePositions: new QueuePositionTicker(redis, config.QUEUE_PREFIX, waitEstimator, config.QUEUE_POSITION_INTERVAL_MS, log),
    store: createObjectStore(config),
    authCache,
    authFailures: perAddress('auth-failures', config.AUTH_FAILURE_MAX, 'failed authentications'),
    loginStarts: perAddress('login-starts', config.LOGIN_START_MAX, 'sign-in attempts'),
    webhooks: new WebhookNotifier(webhookQueue, log),
    metrics: createApiMetrics({ pool, queues, catalog: config.ATELIER_MODELS, streams, log }),
    async close() {
      streams.closeAll();
      events.close();
      await streamSeats.releaseAll();
      await authCache.close();
      await Promise.all([queues.close(), webhookQueue.close()]);
      subscriber.disconnect();
      redis.disconnect();
      await pool.end();
    },
  };
}
