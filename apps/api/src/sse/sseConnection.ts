import type { ServerResponse } from 'node:http';

/** A slow client may hold this much unsent data before it is cut off (it reconnects and resumes). */
const MAX_BUFFERED_BYTES = 1 << 20;

/** One SSE event as written on the wire; `json` is the event's data, already encoded. */
export const sseFrame = (type: string, json: string, id?: string): string => `${id === undefined ? '' : `id: ${id}\n`}event: ${type}\ndata: ${json}\n\n`;

/** One Server-Sent Events response, written raw: no framework helper between us and the socket. */
export class SseConnection {
  private closed = false;
  private corked = false;

  constructor(private readonly response: ServerResponse) {}

  open(retryMs: number, headers: Record<string, string> = {}): void {
    this.response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // Tells nginx and similar proxies not to buffer the stream.
      'x-accel-buffering': 'no',
      ...headers,
    });
    this.write(`retry: ${retryMs}\n\n`);
  }

  send(type: string, data: unknown, id?: string): void {
    this.write(sseFrame(type, JSON.stringify(data), id));
  }

  /**
   * A frame made once by `sseFrame`, e.g. for every stream of a job that gets the same event.
   * As bytes, it is written to each socket without being encoded again.
   */
  sendFrame(frame: string | Uint8Array): void {
    this.write(frame);
  }

  comment(text: string): void {
    this.write(`: ${text}\n\n`);
  }

  get isClosed(): boolean {
    return this.closed || this.response.destroyed;
  }

  end(): void {
    if (this.closed) return;
    this.closed = true;
    this.response.end();
  }

  /**
   * For a server that is going away: tell the client how soon to come back, end the stream,
   * and close the connection too, so the client's reconnect opens a new one (to another
   * instance) instead of reusing this keep-alive socket.
   */
  endForShutdown(retryMs: number): void {
    if (this.isClosed) return;
    this.write(`retry: ${retryMs}\n: server shutting down; reconnect with Last-Event-ID\n\n`);
    this.closed = true;
    this.response.end(() => this.response.socket?.end());
  }

  private write(chunk: string | Uint8Array): void {
    if (this.isClosed) return;
    if (this.response.writableLength > MAX_BUFFERED_BYTES) {
      this.response.destroy();
      return;
    }
    this.corkForThisTick();
    this.response.write(chunk);
  }

  /**
   * What is written in one tick goes out in one packet: the headers with the snapshot, or the
   * events of one published batch with the end. Each socket write wakes the client.
   */
  private corkForThisTick(): void {
    if (this.corked) return;
    this.corked = true;
    this.response.cork();
    process.nextTick(() => {
      this.corked = false;
      this.response.uncork();
    });
  }
}
