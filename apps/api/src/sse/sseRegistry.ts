import type { SseConnection } from './sseConnection.ts';

/**
 * The heartbeat period is split into this many ticks, each pinging its share of the streams:
 * one loop over 12,000 streams held this process's event loop for 270 ms (bench/sseFanout.ts,
 * 2 cores), delaying every event and request behind it; a fifteenth of them at a time does not.
 */
const HEARTBEAT_SLICES = 15;

/**
 * The open SSE connections of this process: one heartbeat timer for all of them (not one
 * per connection), and one place to close them all on shutdown.
 */
export class SseRegistry {
  /** Each open connection and the user it streams to. */
  private readonly open = new Map<SseConnection, string>();
  private readonly perUser = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  /** Where the current heartbeat pass has got to (a Map iterator sees streams added meanwhile). */
  private heartbeatPass: Iterator<SseConnection> | null = null;

  constructor(
    private readonly heartbeatMs: number,
    readonly retryMs: number,
    /** Open streams one user may hold on this process. */
    readonly maxPerUser: number = Number.POSITIVE_INFINITY,
  ) {}

  get size(): number {
    return this.open.size;
  }

  /** False when the user already holds `maxPerUser` streams here. */
  canOpen(userId: string): boolean {
    return (this.perUser.get(userId) ?? 0) < this.maxPerUser;
  }

  add(connection: SseConnection, userId: string): void {
    if (this.open.has(connection)) return;
    this.open.set(connection, userId);
    this.perUser.set(userId, (this.perUser.get(userId) ?? 0) + 1);
    this.timer ??= setInterval(() => this.heartbeat(), this.heartbeatMs / HEARTBEAT_SLICES).unref();
  }

  delete(connection: SseConnection): void {
    const userId = this.open.get(connection);
    if (userId === undefined) return;
    this.open.delete(connection);
    const left = (this.perUser.get(userId) ?? 1) - 1;
    if (left > 0) this.perUser.set(userId, left);
    else this.perUser.delete(userId);
    if (this.open.size > 0 || this.timer === null) return;
    clearInterval(this.timer);
    this.timer = null;
    this.heartbeatPass = null;
  }

  /**
   * On shutdown: every stream gets a `retry:` hint and ends with its connection, so clients
   * reconnect (to another instance) after `retryMs`, resuming by Last-Event-ID.
   */
  closeAll(): void {
    for (const connection of this.open.keys()) connection.endForShutdown(this.retryMs);
    this.open.clear();
    this.perUser.clear();
  }

  /** One tick: the next share of the streams; each stream is pinged once per heartbeat period. */
  private heartbeat(): void {
    const share = Math.ceil(this.open.size / HEARTBEAT_SLICES);
    for (let i = 0; i < share; i++) {
      this.heartbeatPass ??= this.open.keys();
      const next = this.heartbeatPass.next();
      if (next.done) {
        this.heartbeatPass = null;
        return;
      }
      next.value.comment('ping');
    }
  }
}
