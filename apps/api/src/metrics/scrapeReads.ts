import { Counter, type Registry } from 'prom-client';
import type { FastifyBaseLogger } from 'fastify';

const READ_TIMEOUT_MS = 2_000;

/**
 * Reads made at scrape time (PostgreSQL, Redis), for the gauges that show what they hold.
 * - One read per scrape: gauges fed by the same read share it (prom-client collects all
 *   metrics of a scrape at once), and overlapping scrapes share the one in flight.
 * - A read that fails or passes its deadline does not fail the scrape: it gives `null`, its
 *   gauges have no samples this time, and the failure is logged and counted in
 *   `atelier_metrics_collect_failures_total{source}`.
 */
export class ScrapeReads {
  private readonly failures: Counter<'source'>;

  constructor(
    registry: Registry,
    private readonly log: FastifyBaseLogger,
  ) {
    this.failures = new Counter({
      name: 'atelier_metrics_collect_failures_total',
      help: 'Scrape-time reads that failed, by source; their metrics had no samples in that scrape.',
      labelNames: ['source'] as const,
      registers: [registry],
    });
  }

  shared<T>(source: string, read: () => Promise<T>): () => Promise<T | null> {
    // The series exists from the start, so alerts on its rate see the first failure.
    this.failures.inc({ source }, 0);
    let inFlight: Promise<T | null> | null = null;
    return () => {
      inFlight ??= this.guarded(source, read).finally(() => (inFlight = null));
      return inFlight;
    };
  }

  private async guarded<T>(source: string, read: () => Promise<T>): Promise<T | null> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${READ_TIMEOUT_MS} ms`)), READ_TIMEOUT_MS);
    });
    try {
      return await Promise.race([read(), deadline]);
    } catch (error) {
      this.failures.inc({ source });
      this.log.warn({ err: error, source }, 'metrics: scrape-time read failed');
      return null;
    } finally {
      clearTimeout(timer);
    }
  }
}
