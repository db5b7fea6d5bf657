import type { Redis } from 'ioredis';
import { compareStreamIds, jobEventsKey, parsePublishedEntry, readJobEvents, type JobEventEntry } from './jobEventStream.ts';

export interface Follower {
  /** Called in stream order, never twice for one entry. */
  deliver(entry: JobEventEntry): void;
  /** The follower cannot be kept gap-free (Redis failed during a catch-up); the caller should close it. */
  fail(error: Error): void;
}

interface FollowerState {
  /** Kept by reference (not spread), so a follower may be a class instance with its methods on the prototype. */
  follower: Follower;
  cursor: string | null;
  /** Live entries held back while the follower catches up from the stream; null once live. */
  pending: JobEventEntry[] | null;
}

/**
 * A channel whose last follower left is unsubscribed this long after, together with every
 * other channel left meanwhile: one UNSUBSCRIBE for many ended streams instead of one each,
 * and a client that comes straight back (a reconnect) finds its job's channel still held.
 */
const UNSUBSCRIBE_AFTER_MS = 100;

/**
 * Multiplexes every open job stream of one process over one pub/sub connection (and one
 * command connection for catch-up reads), instead of a blocking XREAD per client.
 *
 * A follower subscribes to the job's channel first, then reads the stream after its cursor,
 * holding live entries back meanwhile; its cursor then drops anything it has already had.
 * So the hand-over from history to live is gap-free and duplicate-free.
 */
export class JobEventHub {
  private readonly followers = new Map<string, Set<FollowerState>>();
  /**
   * Each followed job's SUBSCRIBE, awaited by every follower of that job before it reads the
   * stream: a second follower arriving while the first one's SUBSCRIBE is still in flight
   * must not read history yet, or what is published between its read and the subscription
   * would reach nobody.
   */
  private readonly subscriptions = new Map<string, Promise<unknown>>();
  /** Jobs with no follower left whose channels are still subscribed, until the next UNSUBSCRIBE. */
  private readonly leaving = new Set<string>();
  private unsubscribeTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly subscriber: Redis,
    /** An UNSUBSCRIBE that failed (the channel stays subscribed; its messages are dropped). */
    private readonly onError: (error: Error) => void,
  ) {
    subscriber.on('message', (channel: string, message: string) => this.onMessage(channel, message));
    // Pub/sub drops what is published while the connection is down; the stream still has it.
    subscriber.on('ready', () => this.catchUpEveryone());
  }

  get openFollowers(): number {
    let count = 0;
    for (const set of this.followers.values()) count += set.size;
    return count;
  }

  /** Follow a job's events after `cursor` (from the start when null). Returns the function that stops it. */
  async follow(jobId: string, cursor: string | null, follower: Follower): Promise<() => void> {
    const state: FollowerState = { follower, cursor, pending: [] };
    let set = this.followers.get(jobId);
    if (!set) {
      set = new Set();
      this.followers.set(jobId, set);
      // A channel left moments ago is still subscribed: it is taken back as it is.
      if (!this.leaving.delete(jobId)) this.subscriptions.set(jobId, this.subscriber.subscribe(jobEventsKey(jobId)));
    }
    set.add(state);
    try {
      await this.subscriptions.get(jobId);
      await this.catchUp(jobId, state);
    } catch (error) {
      // At once, not batched: a failed SUBSCRIBE must not be taken back by the next follower.
      this.unfollow(jobId, state, true);
      throw error;
    }
    // Left unnamed: tsx compiles with esbuild's keepNames, which gives every named closure its
    // own `name` property (about 0.25 KiB more per open stream).
    return () => this.unfollow(jobId, state);
  }

  /** Drops the pending UNSUBSCRIBE; the caller disconnects the subscriber, which leaves every channel. */
  close(): void {
    if (this.unsubscribeTimer) clearTimeout(this.unsubscribeTimer);
    this.unsubscribeTimer = null;
    this.leaving.clear();
  }

  private unfollow(jobId: string, state: FollowerState, now = false): void {
    const set = this.followers.get(jobId);
    if (!set?.delete(state) || set.size > 0) return;
    this.followers.delete(jobId);
    this.leaving.add(jobId);
    if (now) this.unsubscribeLeft();
    else this.unsubscribeTimer ??= setTimeout(() => this.unsubscribeLeft(), UNSUBSCRIBE_AFTER_MS);
  }

  private unsubscribeLeft(): void {
    if (this.unsubscribeTimer) clearTimeout(this.unsubscribeTimer);
    this.unsubscribeTimer = null;
    const channels = [...this.leaving].map(jobEventsKey);
    for (const jobId of this.leaving) this.subscriptions.delete(jobId);
    this.leaving.clear();
    if (channels.length === 0) return;
    // A later follow() subscribes again; Redis applies the two in order on this one connection.
    this.subscriber.unsubscribe(...channels).catch(this.onError);
  }

  private async catchUp(jobId: string, state: FollowerState): Promise<void> {
    state.pending ??= [];
    const history = await readJobEvents(this.redis, jobId, state.cursor);
    const live = state.pending;
    state.pending = null;
    for (const entry of history) this.deliverTo(state, entry);
    for (const entry of live) this.deliverTo(state, entry);
  }

  private catchUpEveryone(): void {
    for (const [jobId, set] of this.followers) {
      for (const state of set) this.catchUp(jobId, state).catch((error: Error) => state.follower.fail(error));
    }
  }

  private onMessage(channel: string, message: string): void {
    const jobId = channel.slice('job:'.length, -':events'.length);
    const set = this.followers.get(jobId);
    if (!set) return;
    const entry = parsePublishedEntry(message);
    for (const state of set) {
      if (state.pending) state.pending.push(entry);
      else this.deliverTo(state, entry);
    }
  }

  private deliverTo(state: FollowerState, entry: JobEventEntry): void {
    if (state.cursor !== null && compareStreamIds(entry.id, state.cursor) <= 0) return;
    state.cursor = entry.id;
    state.follower.deliver(entry);
  }
}
