import { describe, expect, it } from 'vitest';
import { queues } from '@atelier/contracts';
import { leastRetrySpanMs, retryDelayMs } from '@atelier/webhooks';

const schedule = queues.webhookDelivery;

describe('the delivery retry schedule', () => {
  it('doubles from the first delay, then stays at the largest', () => {
    const delays = [1, 2, 3, 10, 11, 30].map((made) => retryDelayMs(made, schedule, () => 0));
    expect(delays).toEqual([5_000, 10_000, 20_000, 2_560_000, 3_600_000, 3_600_000]);
  });

  it('adds at most the jitter share', () => {
    expect(retryDelayMs(3, schedule, () => 1)).toBe(24_000);
  });

  it('keeps retrying an event for at least 24 hours with the default attempts', () => {
    expect(leastRetrySpanMs(schedule.attempts, schedule)).toBeGreaterThanOrEqual(24 * 3600_000);
  });
});
