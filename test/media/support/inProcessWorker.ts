import pino from 'pino';
import type { Engine } from '@atelier/engines';
import { createDeadLetterQueue } from '@atelier/queue';
import { LocalDiskStore } from '@atelier/storage';
import { createWebhookDeliveryQueue, WebhookNotifier } from '@atelier/webhooks';
import type { FailureDeps } from '../../../apps/worker/src/failGeneration.ts';
import type { TestPlatform } from '../../support/platform.ts';

/**
 * What a worker process hands `runGeneration` and `failGeneration`, built in the test's own
 * process around one engine for one model: for tests that need an engine no catalog names.
 */
export function inProcessWorkerDeps(platform: TestPlatform, model: string, engine: Engine): FailureDeps {
  const silent = pino({ level: 'silent' });
  return {
    pool: platform.pool,
    redis: platform.redis,
    store: new LocalDiskStore({ directory: platform.env.STORAGE_LOCAL_DIR!, publicUrl: platform.baseUrl, signingSecret: 'development-only-signing-secret' }),
    engines: new Map([[model, engine]]),
    catalog: platform.services!.catalog,
    workerId: 'test-worker',
    log: silent,
    deadLetters: createDeadLetterQueue(platform.redis, platform.env.QUEUE_PREFIX!),
    webhooks: new WebhookNotifier(createWebhookDeliveryQueue(platform.redis, platform.env.QUEUE_PREFIX!), silent),
  };
}
