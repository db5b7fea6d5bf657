import { randomBytes } from 'node:crypto';
import type { ChainableCommander, Redis, Result } from 'ioredis';

/**
 * A seat lives this many renewal periods, so one late or failed renewal (a Redis hiccup, a
 * busy event loop) does not free a seat whose stream is open.
 */
const RENEWALS_PER_LIFETIME = 3;

/**
 * Seats given back are removed from Redis together this long after the first of them: one
 * command for many ended streams instead of one each. Meanwhile the user's next claim in this
 * process removes them first, so a stream reopened here never waits on its own released seat.
 */
const RELEASE_AFTER_MS = 100;

// Seats are members of the user's sorted set, scored by when they expire (Redis's clock, so
// API processes with different clocks agree). Claiming removes the seats this process has
// released meanwhile (ARGV[4…]) and sweeps the expired ones: a seat of a process that died
// is gone one lifetime later, with no one to clean up after it.
const CLAIM_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
if #ARGV > 3 then redis.call('ZREM', KEYS[1], unpack(ARGV, 4)) end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1`;

// Pushes the expiry of seats still held; a seat already swept is not brought back (XX).
const RENEW_SCRIPT = `
local time = redis.call('TIME')
local expires = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000) + tonumber(ARGV[1])
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', expires, ARGV[i]) end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 0`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    claimStreamSeat(key: string, lifetimeMs: number, max: number, seat: string, ...released: string[]): Result<number, Context>;
    renewStreamSeats(key: string, lifetimeMs: number, ...seats: string[]): Result<number, Context>;
  }
}

/** A seat this process holds for one open stream. */
export interface StreamSeat {
  readonly userId: string;
  readonly id: string;
}

/**
 * The cap on open job streams per user, counted in Redis so that it holds across every API
 * process: each open stream holds a seat, renewed by its process while the stream is open and
 * released when it closes.
 */
export class StreamSeats {
  /** Seats held here, by user: what the renewal pass renews. */
  private readonly held = new Map<string, Set<string>>();
  /** Seats given back here, by user, not yet removed from Redis. */
  private readonly released = new Map<string, string[]>();
  private releaseTimer: NodeJS.Timeout | null = null;
  private readonly processTag = randomBytes(6).toString('base64url');
  private nextSeat = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    /** Open streams one user may hold across all API processes. */
    readonly maxPerUser: number,
    /** How often this process renews its seats. */
    private readonly renewMs: number,
    /** Renewals and releases are not awaited by anyone; their failures go here. */
    private readonly onError: (error: Error) => void,
    private readonly releaseAfterMs = RELEASE_AFTER_MS,
  ) {
    if (typeof (redis as Partial<Redis>).claimStreamSeat !== 'function') {
      redis.defineCommand('claimStreamSeat', { numberOfKeys: 1, lua: CLAIM_SCRIPT });
      redis.defineCommand('renewStreamSeats', { numberOfKeys: 1, lua: RENEW_SCRIPT });
    }
  }

  private get lifetimeMs(): number {
    return this.renewMs * RENEWALS_PER_LIFETIME;
  }

  /** A seat for a new stream of the user's, or null when they already hold `maxPerUser`. */
  async claim(userId: string): Promise<StreamSeat | null> {
    const id = `${this.processTag}:${this.nextSeat++}`;
    // Taken over by this claim; should it fail, they expire within their lifetime like any seat.
    const released = this.released.get(userId) ?? [];
    this.released.delete(userId);
    const granted = await this.redis.claimStreamSeat(this.key(userId), this.lifetimeMs, this.maxPerUser, id, ...released);
    if (granted !== 1) return null;
    const seats = this.held.get(userId) ?? new Set<string>();
    seats.add(id);
    this.held.set(userId, seats);
    this.timer ??= setInterval(() => this.renew(), this.renewMs).unref();
    return { userId, id };
  }

  /**
   * Gives the seat back: removed from Redis within `releaseAfterMs`, or at once by the user's
   * next claim here. Should Redis not hear of it, the seat expires within its lifetime.
   */
  release(seat: StreamSeat): void {
    const seats = this.held.get(seat.userId);
    if (!seats?.delete(seat.id)) return;
    if (seats.size === 0) this.held.delete(seat.userId);
    const released = this.released.get(seat.userId);
    if (released) released.push(seat.id);
    else this.released.set(seat.userId, [seat.id]);
    this.releaseTimer ??= setTimeout(() => void this.removeReleased(), this.releaseAfterMs);
    if (this.held.size > 0 || this.timer === null) return;
    clearInterval(this.timer);
    this.timer = null;
  }

  /** On shutdown: the streams are closed, so are their seats (best effort: they expire anyway). */
  async releaseAll(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    for (const [userId, seats] of this.held) this.released.set(userId, [...(this.released.get(userId) ?? []), ...seats]);
    this.held.clear();
    await this.removeReleased();
  }

  private async removeReleased(): Promise<void> {
    if (this.releaseTimer !== null) clearTimeout(this.releaseTimer);
    this.releaseTimer = null;
    if (this.released.size === 0) return;
    const pipeline = this.redis.pipeline();
    for (const [userId, seats] of this.released) pipeline.zrem(this.key(userId), ...seats);
    this.released.clear();
    await this.run(pipeline);
  }

  private renew(): void {
    const pipeline = this.redis.pipeline();
    for (const [userId, seats] of this.held) pipeline.renewStreamSeats(this.key(userId), this.lifetimeMs, ...seats);
    void this.run(pipeline);
  }

  /** A pipeline reports each command's failure in its results, not by rejecting. */
  private async run(pipeline: ChainableCommander): Promise<void> {
    try {
      const failed = (await pipeline.exec())?.find(([error]) => error !== null);
      if (failed) this.onError(failed[0]!);
    } catch (error) {
      this.onError(error as Error);
    }
  }

  private key(userId: string): string {
    return `${this.keyPrefix}${userId}`;
  }
}
