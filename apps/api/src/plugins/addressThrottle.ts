import type { FastifyReply } from 'fastify';
import type { Redis, Result } from 'ioredis';
import { AppError } from '@atelier/contracts';
import { RefusalMemory } from './refusalMemory.ts';

// A fixed window per key: the count and what is left of the window, in one round trip.
const COUNT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return { count, redis.call('PTTL', KEYS[1]) }`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    countForAddress(key: string, windowMs: number): Result<[number, number], Context>;
  }
}

/**
 * At most `max` of something per client address per `windowMs` (failed authentications,
 * sign-in starts), counted in Redis so that every API process agrees. Past it the address is
 * refused with 429 `rate_limited` and `Retry-After` until the window ends; the refusal is
 * remembered in this process (refusalMemory.ts), so a refused address costs a map lookup,
 * neither Redis nor PostgreSQL. If Redis fails, counting is skipped rather than failing the
 * request.
 */
export class AddressThrottle {
  private readonly refusals = new RefusalMemory<{ until: number }>();

  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly max: number,
    private readonly windowMs: number,
    /** What is counted, for the refusal's message: "failed sign-ins", "sign-in attempts". */
    private readonly what: string,
    private readonly onSkipped: (error: Error) => void,
  ) {
    if (typeof (redis as Partial<Redis>).countForAddress !== 'function') {
      redis.defineCommand('countForAddress', { numberOfKeys: 1, lua: COUNT_SCRIPT });
    }
  }

  /** Throws 429 while this address is refused. */
  assertAllowed(address: string, reply: FastifyReply): void {
    const refusal = this.refusals.get(address);
    if (refusal !== null) this.refuse(refusal.until, reply);
  }

  /** Counts one for the address; the one past `max` is refused (429), and so is the address until the window ends. */
  async count(address: string, reply: FastifyReply): Promise<void> {
    this.assertAllowed(address, reply);
    let count: number;
    let ttl: number;
    try {
      [count, ttl] = await this.redis.countForAddress(`${this.keyPrefix}${address}`, this.windowMs);
    } catch (error) {
      this.onSkipped(error as Error);
      return;
    }
    if (count <= this.max) return;
    const until = Date.now() + Math.max(ttl, 1);
    this.refusals.remember(address, { until });
    this.refuse(until, reply);
  }

  private refuse(until: number, reply: FastifyReply): never {
    const seconds = Math.max(1, Math.ceil((until - Date.now()) / 1000));
    reply.header('retry-after', String(seconds));
    throw new AppError('rate_limited', `Too many ${this.what} from this address; try again in ${seconds} s.`);
  }
}
