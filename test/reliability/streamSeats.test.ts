import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamSeats } from '@atelier/api';
import { TestPlatform } from '../support/platform.ts';
import { waitFor } from './support/jobs.ts';

// Seats of ended streams leave Redis in batches (apps/api/src/sse/streamSeats.ts); these
// tests hold a batch back for a minute, or let it go after 50 ms, to see both paths.

let platform: TestPlatform;

beforeAll(async () => {
  platform = await TestPlatform.start();
});
afterAll(async () => platform?.stop());

const fail = (error: Error) => {
  throw error;
};

describe('stream seats', () => {
  it("a user's next claim in the process takes back the seats released there, before the batch leaves", async () => {
    const prefix = `${platform.env.QUEUE_PREFIX}:test-seats-carried:`;
    const seats = new StreamSeats(platform.redis, prefix, 2, 1_000, fail, 60_000);
    const held = async () => platform.redis.zcard(`${prefix}user-1`);
    try {
      const first = await seats.claim('user-1');
      expect(await seats.claim('user-1')).not.toBeNull();
      expect(await seats.claim('user-1')).toBeNull();

      seats.release(first!);
      expect(await held()).toBe(2);
      expect(await seats.claim('user-1')).not.toBeNull();
      expect(await held()).toBe(2);
      // Another user's claim carries nothing of this one's.
      expect(await seats.claim('user-2')).not.toBeNull();
    } finally {
      await seats.releaseAll();
    }
    expect(await held()).toBe(0);
  });

  it('released seats leave Redis together once the batch is due', async () => {
    const prefix = `${platform.env.QUEUE_PREFIX}:test-seats-batched:`;
    const seats = new StreamSeats(platform.redis, prefix, 5, 1_000, fail, 50);
    const claimed = [await seats.claim('a'), await seats.claim('a'), await seats.claim('b')];
    for (const seat of claimed) seats.release(seat!);
    await waitFor(
      'the released seats to leave',
      async () => (await platform.redis.zcard(`${prefix}a`)) + (await platform.redis.zcard(`${prefix}b`)) === 0,
      2_000,
    );
    await seats.releaseAll();
  });
});
