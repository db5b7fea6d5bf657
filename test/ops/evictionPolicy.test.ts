import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkEvictionPolicy, createRedis } from '@atelier/queue';
import { PrivateRedis } from '../support/redisServer.ts';

let redis: PrivateRedis;
beforeAll(async () => {
  redis = await PrivateRedis.start();
});
afterAll(async () => {
  await redis?.close();
});

const failOnError = (error: Error) => {
  throw error;
};

describe('the start-up eviction policy check', () => {
  it('reads the policy on a producer connection asked before it is ready (no "Stream isn\'t writeable")', async () => {
    const producer = createRedis(redis.url, 'producer', failOnError);
    try {
      expect(producer.status).not.toBe('ready');
      expect(await checkEvictionPolicy(producer)).toBeNull();
    } finally {
      producer.disconnect();
    }
  });

  it('warns when Redis may evict keys', async () => {
    await redis.command((client) => client.config('SET', 'maxmemory-policy', 'allkeys-lru'));
    const producer = createRedis(redis.url, 'producer', failOnError);
    try {
      expect(await checkEvictionPolicy(producer)).toContain('BullMQ needs "noeviction"');
    } finally {
      producer.disconnect();
    }
  });
});
