import pg from 'pg';
import type { FastifyBaseLogger } from 'fastify';
import { findUserByApiKey, hashApiKey, type ApiKeyUser, type Pool } from '@atelier/db';
import { RefusalMemory } from '../plugins/refusalMemory.ts';

const CHANNEL = 'atelier_auth';
const RECONNECT_DELAY_MS = 1_000;
/** Past this many remembered keys the cache starts over, so a crowd of keys cannot grow it without bound. */
const MAX_ENTRIES = 100_000;
/**
 * How long a key that names nobody is remembered as such. Keys are 256 random bits made by the
 * server, so no change can make a refused one valid: the limit only bounds memory.
 */
const REFUSED_KEY_TTL_MS = 60_000;

/**
 * Whom an API key belongs to, remembered for `ttlMs` so that a client's requests do not each
 * read PostgreSQL (a flood of refused requests then costs the database nothing). Only while
 * this process listens on `atelier_auth`, where triggers announce every change that could
 * change an answer (a key revoked, a plan or status changed; see the migration
 * 20261124040000_auth_change_notices): a notice drops the user's entries, and a lookup that
 * was in flight across any notice is not remembered. When the listening connection drops,
 * the cache is emptied and bypassed until it is back. A user's balance comes from the cache
 * stale; routes that show one read it fresh.
 *
 * A key that names nobody is remembered too, for a minute, whether or not this process
 * listens: a client repeating a wrong key costs a map lookup, not a query. Whoever is told of
 * a user's change (`watch`) hears of it as the cache does: open event streams re-check their
 * key that way.
 */
export class ApiKeyCache {
  private readonly entries = new Map<string, { user: ApiKeyUser; expiresAt: number }>();
  private readonly keysOfUser = new Map<string, Set<string>>();
  /** One lookup per key at a time: a client opening a hundred connections at once reads the database once. */
  private readonly inFlight = new Map<string, Promise<ApiKeyUser | null>>();
  private readonly refused = new RefusalMemory<{ until: number }>();
  private readonly watchers = new Map<string, Set<() => void>>();
  /** Bumped by every notice: a lookup that started under an older one is not remembered. */
  private generation = 0;
  private listener: pg.Client | null = null;
  private reconnect: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly pool: Pool,
    private readonly databaseUrl: string,
    private readonly ttlMs: number,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** Starts listening (in the background, retrying); until it listens, every lookup reads the database. */
  start(): void {
    if (this.ttlMs > 0) void this.listen();
  }

  async userFor(key: string): Promise<ApiKeyUser | null> {
    const id = hashApiKey(key).toString('base64');
    if (this.refused.get(id) !== null) return null;
    if (this.listener === null) return this.rememberRefusal(id, await findUserByApiKey(this.pool, key));
    const hit = this.entries.get(id);
    const now = Date.now();
    if (hit === undefined || hit.expiresAt <= now) return this.lookUpOnce(id, key);
    // A key in use is looked up again in the last quarter of its life, in the background, so its
    // requests never wait on an expiry: keys first seen in the same second (an API process
    // starting under load) would otherwise all expire, and all wait on the database, together.
    if (hit.expiresAt - now < this.ttlMs / 4) {
      this.lookUpOnce(id, key).catch((error: Error) => this.log.warn({ err: error }, 'could not refresh a remembered API key; it expires as it was'));
    }
    return hit.user;
  }

  private lookUpOnce(id: string, key: string): Promise<ApiKeyUser | null> {
    let lookup = this.inFlight.get(id);
    if (!lookup) {
      lookup = this.lookUp(id, key).finally(() => this.inFlight.delete(id));
      this.inFlight.set(id, lookup);
    }
    return lookup;
  }

  private async lookUp(id: string, key: string): Promise<ApiKeyUser | null> {
    const generation = this.generation;
    const user = this.rememberRefusal(id, await findUserByApiKey(this.pool, key));
    if (user && this.listener !== null && generation === this.generation) this.remember(id, user);
    return user;
  }

  private rememberRefusal(id: string, user: ApiKeyUser | null): ApiKeyUser | null {
    if (user === null) this.refused.remember(id, { until: Date.now() + REFUSED_KEY_TTL_MS });
    return user;
  }

  /** For changes this process makes itself: in effect at once, before the notice comes back. */
  forgetUser(userId: string): void {
    this.generation++;
    for (const id of this.keysOfUser.get(userId) ?? []) this.entries.delete(id);
    this.keysOfUser.delete(userId);
    for (const onChange of this.watchers.get(userId) ?? []) onChange();
  }

  /**
   * `onChange` runs whenever this process learns that something about the user changed (a key
   * revoked, a plan or status changed), from PostgreSQL's notice or from this process itself.
   * Returns the function that stops watching.
   */
  watch(userId: string, onChange: () => void): () => void {
    const watchers = this.watchers.get(userId) ?? new Set<() => void>();
    watchers.add(onChange);
    this.watchers.set(userId, watchers);
    return () => {
      watchers.delete(onChange);
      if (watchers.size === 0 && this.watchers.get(userId) === watchers) this.watchers.delete(userId);
    };
  }

  forgetAll(): void {
    this.generation++;
    this.entries.clear();
    this.keysOfUser.clear();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnect) clearTimeout(this.reconnect);
    const listener = this.listener;
    this.listener = null;
    await listener?.end();
  }

  private remember(id: string, user: ApiKeyUser): void {
    if (this.entries.size >= MAX_ENTRIES) this.forgetAll();
    this.entries.set(id, { user, expiresAt: Date.now() + this.ttlMs });
    const keys = this.keysOfUser.get(user.id) ?? new Set<string>();
    keys.add(id);
    this.keysOfUser.set(user.id, keys);
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl, connectionTimeoutMillis: 5_000 });
    client.on('notification', (notice) => (notice.payload ? this.forgetUser(notice.payload) : this.forgetAll()));
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (error) {
      this.lost(client, error as Error);
      return;
    }
    if (this.closed) {
      await client.end();
      return;
    }
    this.forgetAll();
    this.listener = client;
  }

  /** Changes may be missed from now on: nothing remembered can be trusted until listening again. */
  private lost(client: pg.Client, error: Error): void {
    if (this.listener !== null && this.listener !== client) return;
    this.listener = null;
    this.forgetAll();
    client.removeAllListeners('end');
    void client.end().catch(() => {});
    if (this.closed || this.reconnect) return;
    this.log.warn({ err: error }, 'auth change notices lost; API keys are looked up in the database until they are back');
    this.reconnect = setTimeout(() => {
      this.reconnect = null;
      void this.listen();
    }, RECONNECT_DELAY_MS);
  }
}
