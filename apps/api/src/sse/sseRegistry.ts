import type { SseConnection } from './sseConnection.ts';

/**
 * The open SSE connections of this process: one heartbeat timer for all of them (not one
 * per connection), and one place to close them all on shutdown.
 */
export class SseRegistry {
  private readonly open = new Set<SseConnection>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly heartbeatMs: number,
    readonly retryMs: number,
  ) {}

  get size(): number {
    return this.open.size;
  }

  add(connection: SseConnection): void {
    this.open.add(connection);
    this.timer ??= setInterval(() => this.heartbeat(), this.heartbeatMs).unref();
  }

  delete(connection: SseConnection): void {
    this.open.delete(connection);
    if (this.open.size > 0 || this.timer === null) return;
    clearInterval(this.timer);
    this.timer = null;
  }

  /** On shutdown: clients reconnect (to another instance) after `retryMs`, resuming by Last-Event-ID. */
  closeAll(): void {
    for (const connection of this.open) {
      connection.comment('server shutting down; reconnect');
      connection.end();
    }
    this.open.clear();
  }

  private heartbeat(): void {
    for (const connection of this.open) connection.comment('ping');
  }
}
