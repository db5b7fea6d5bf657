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
  private readonly open = new Set<SseConnection>();
  private timer: NodeJS.Timeout | null = null;
  /** Where the current heartbeat pass has got to (a Set iterator sees streams added meanwhile). */
  private heartbeatPass: Iterator<SseConnection> | null = null;

  constructor(
    private readonly heartbeatMs: number,
    readonly retryMs: number,
  ) {}

  get size(): number {
    return this.open.size;
  }

  add(connection: SseConnection): void {
    this.open.add(connection);
    this.timer ??= setInterval(() => this.heartbeat(), this.heartbeatMs / HEARTBEAT_SLICES).unref();
  }

  delete(connection: SseConnection): void {
    if (!this.open.delete(connection)) return;
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
    for (const connection of this.open) connection.endForShutdown(this.retryMs);
    this.open.clear();
  }

  /** One tick: the next share of the streams; each stream is pinged once per heartbeat period. */
  private heartbeat(): void {
    const share = Math.ceil(this.open.size / HEARTBEAT_SLICES);
    for (let i = 0; i < share; i++) {
      this.heartbeatPass ??= this.open.values();
      const next = this.heartbeatPass.next();
      if (next.done) {
        this.heartbeatPass = null;
        return;
      }
      next.value.comment('ping');
    }
  }
}
