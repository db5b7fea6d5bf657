import { Gauge, type Registry } from 'prom-client';
import type { SseRegistry } from '../sse/sseRegistry.ts';

/** `atelier_sse_connections`: event streams this process holds open, read at scrape time. */
export function countSseConnections(streams: SseRegistry, registry: Registry): void {
  new Gauge({
    name: 'atelier_sse_connections',
    help: 'Server-Sent Events connections open in this API process.',
    registers: [registry],
    collect() {
      this.set(streams.size);
    },
  });
}
