import type { FastifyReply } from 'fastify';
import type { Redis, Result } from 'ioredis';
import { AppError } from '@atelier/contracts';
import { RefusalMemory } from './refusalMemory.ts';

// Both counts in one round trip: the window's (`max` per `windowMs`) and the second's (`burst`).
// A key's count only grows until its window ends. The window also counts the attempts this
// process refused from memory since its last count (ARGV[2] is 1 + those), so a flood spends
// its window as the general limit's would, without a round trip per refused attempt.
const COUNT_SCRIPT = `
local inWindow = redis.call('INCRBY', KEYS[1], ARGV[2])
if redis.call('PTTL', KEYS[1]) == -1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local inSecond = redis.call('INCR', KEYS[2])
if inSecond == 1 then redis.call('PEXPIRE', KEYS[2], 1000) end
return { inWindow, redis.call('PTTL', KEYS[1]), inSecond, redis.call('PTTL', KEYS[2]) }`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    countSubmit(windowKey: string, secondKey: string, windowMs: number, attempts: number): Result<[number, number, number, number], Context>;
  }
}

interface Refusal {
  until: number;
  message: string;
  /** Attempts answered from memory while it lasted, for the window's count. */
  refusedAttempts: number;
  /** When the window they count against ends: past it they belong to no window. */
  windowEndsAt: number;
}

/**
 * The submit limits of one user, across every API process: `max` submits per `windowMs` and
 * `burst` in any one second, so that a window's allowance cannot land in a tenth of a second
 * (120 jobs at once from one user slowed every other user's submits on the 2-core machine for
 * the second they took to run). Both are counted in Redis by one script.
 *
 * A refusal is remembered in this process until its window ends (refusalMemory.ts): a flood
 * is answered with a map lookup per request, not a Redis script (bench/flood.ts). If Redis
 * fails the limits are skipped rather than failing the request: the submit itself answers 503
 * when the queue is down.
 */
export class SubmitLimits {
  private readonly refusals = new RefusalMemory<Refusal>();

  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly max: number,
    private readonly windowMs: number,
    private readonly burst: number,
    private readonly onSkipped: (error: Error) => void,
  ) {
    if (typeof (redis as Partial<Redis>).countSubmit !== 'function') {
      redis.defineCommand('countSubmit', { numberOfKeys: 2, lua: COUNT_SCRIPT });
    }
  }

  /** Counts the user's submit; past a limit throws 429 `rate_limited` with `Retry-After`. */
  async enforce(userId: string, reply: FastifyReply): Promise<void> {
    const remembered = this.refusals.get(userId);
    if (remembered !== null) remembered.refusedAttempts++;
    const refusal = remembered ?? (await this.count(userId, 1 + this.carriedAttempts(userId)));
    if (refusal === null) return;
    const seconds = Math.max(1, Math.ceil((refusal.until - Date.now()) / 1000));
    reply.header('retry-after', String(seconds));
    throw new AppError('rate_limited', `${refusal.message}; try again in ${seconds} s.`);
  }

  /** Attempts refused from memory under a burst refusal that has lapsed, while their window runs on. */
  private carriedAttempts(userId: string): number {
    const lapsed = this.refusals.takeLapsed(userId);
    return lapsed !== null && lapsed.windowEndsAt > Date.now() ? lapsed.refusedAttempts : 0;
  }

  private async count(userId: string, attempts: number): Promise<Refusal | null> {
    let counts: [number, number, number, number];
    try {
      counts = await this.redis.countSubmit(`${this.keyPrefix}window:${userId}`, `${this.keyPrefix}second:${userId}`, this.windowMs, attempts);
    } catch (error) {
      this.onSkipped(error as Error);
      return null;
    }
    const [inWindow, windowTtl, inSecond, secondTtl] = counts;
    const now = Date.now();
    const windowEndsAt = now + windowTtl;
    const refusal =
      inWindow > this.max
        ? { until: windowEndsAt, message: `At most ${this.max} submits per ${this.windowMs / 1000} s`, refusedAttempts: 0, windowEndsAt }
        : inSecond > this.burst
          ? { until: now + secondTtl, message: `At most ${this.burst} submits a second`, refusedAttempts: 0, windowEndsAt }
          : null;
    if (refusal !== null) this.refusals.remember(userId, refusal, now);
    return refusal;
  }
}
