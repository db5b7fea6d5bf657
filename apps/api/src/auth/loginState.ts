import { createHash, randomBytes } from 'node:crypto';
import type { Redis, Result } from 'ioredis';
import type { LoginChecks } from './oidcClient.ts';

/** Long enough to pick an account and type a password; short enough that an abandoned login soon vanishes. */
export const LOGIN_TTL_SECONDS = 600;

// One login's checks under its own key (with its TTL), and its key in an index scored by when
// it expires, on Redis's clock: the index is swept and counted before anything is added, so at
// most ARGV[3] logins are ever kept, whatever every API process adds at once.
const SAVE_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local ttlMs = tonumber(ARGV[2]) * 1000
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[3]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
redis.call('ZADD', KEYS[2], now + ttlMs, KEYS[1])
redis.call('PEXPIRE', KEYS[2], ttlMs)
return 1`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    saveLogin(key: string, index: string, checks: string, ttlSeconds: number, max: number): Result<number, Context>;
  }
}

/**
 * The state, nonce and PKCE verifier of logins in progress, in Redis with a TTL, keyed by
 * the hash of the opaque id the login cookie holds, and at most `max` of them at once (a
 * crowd starting logins it never finishes cannot fill Redis). Losing them (Redis lost) only
 * means the person signs in again.
 */
export class LoginStateStore {
  private readonly index: string;

  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly max: number,
  ) {
    this.index = `${keyPrefix}:logins`;
    if (typeof (redis as Partial<Redis>).saveLogin !== 'function') redis.defineCommand('saveLogin', { numberOfKeys: 2, lua: SAVE_SCRIPT });
  }

  private key(id: string): string {
    return `${this.keyPrefix}:login:${createHash('sha256').update(id).digest('base64url')}`;
  }

  /** Returns the id for the login cookie, or null when `max` logins are already in progress. */
  async save(checks: LoginChecks): Promise<string | null> {
    const id = randomBytes(32).toString('base64url');
    const saved = await this.redis.saveLogin(this.key(id), this.index, JSON.stringify(checks), LOGIN_TTL_SECONDS, this.max);
    return saved === 1 ? id : null;
  }

  /** GETDEL reads and removes in one step: of two callbacks with the same cookie, one at most gets the checks. */
  async take(id: string): Promise<LoginChecks | null> {
    const key = this.key(id);
    const [stored] = await Promise.all([this.redis.getdel(key), this.redis.zrem(this.index, key)]);
    return stored === null ? null : (JSON.parse(stored) as LoginChecks);
  }
}
