import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * How busy this worker's job slots are:
 * - `atelier_worker_concurrency`: slots (jobs it may run at once), as applied now;
 * - `atelier_worker_active_jobs`: jobs running now;
 * - `atelier_worker_busy_ratio`: the two divided, at scrape time;
 * - `atelier_worker_busy_seconds_total` and `atelier_worker_slot_seconds_total`: busy and
 *   available slot-seconds, so that `rate(busy) / rate(slot)` is the busy ratio over any
 *   window, exact across concurrency changes and between scrapes.
 * Counted in memory: each start, end and concurrency change adds the slot-seconds up to it.
 */
export class BusySlots {
  private active = 0;
  private since = performance.now();
  private readonly busySeconds: Counter;
  private readonly slotSeconds: Counter;

  constructor(
    private concurrency: number,
    registry: Registry,
  ) {
    const advance = () => this.advance();
    this.busySeconds = new Counter({
      name: 'atelier_worker_busy_seconds_total',
      help: 'Slot-seconds spent running jobs.',
      registers: [registry],
      collect: advance,
    });
    this.slotSeconds = new Counter({
      name: 'atelier_worker_slot_seconds_total',
      help: 'Slot-seconds available (concurrency × time).',
      registers: [registry],
      collect: advance,
    });
    const slots = this;
    new Gauge({
      name: 'atelier_worker_concurrency',
      help: 'Jobs this worker may run at once.',
      registers: [registry],
      collect() {
        this.set(slots.concurrency);
      },
    });
    new Gauge({
      name: 'atelier_worker_active_jobs',
      help: 'Jobs this worker is running.',
      registers: [registry],
      collect() {
        this.set(slots.active);
      },
    });
    new Gauge({
      name: 'atelier_worker_busy_ratio',
      help: 'Running jobs over concurrency, at scrape time (use the slot-second counters for a ratio over time).',
      registers: [registry],
      collect() {
        this.set(slots.active / slots.concurrency);
      },
    });
  }

  /** A job starts; call the function returned when it ends. */
  start(): () => void {
    this.advance();
    this.active++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.advance();
      this.active--;
    };
  }

  setConcurrency(concurrency: number): void {
    this.advance();
    this.concurrency = concurrency;
  }

  private advance(): void {
    const now = performance.now();
    const seconds = (now - this.since) / 1000;
    this.since = now;
    this.busySeconds.inc(this.active * seconds);
    this.slotSeconds.inc(this.concurrency * seconds);
  }
}
