import { collectDefaultMetrics, register, type Registry } from 'prom-client';
import type { JobKind } from '@atelier/contracts';
import type { Engines } from '@atelier/engines';
import { planOfPriority } from '@atelier/queue';
import { BusySlots } from './busySlots.ts';
import { JobTimings, type AttemptOutcome } from './jobTimings.ts';
import { timeFirstPreview } from './firstPreviewTimer.ts';

/** What the processor needs to know of a BullMQ job to time it. */
export interface TimedJob {
  timestamp: number;
  processedOn?: number;
  attemptsMade: number;
  opts: { priority?: number };
}

export interface AttemptObservation {
  /** The engines to run this attempt with: the first preview they hand over is timed. */
  engines(engines: Engines): Engines;
  finish(outcome: AttemptOutcome): void;
}

/**
 * The worker process's metrics, on prom-client's default registry (one worker per process),
 * served by metricsServer.ts on WORKER_METRICS_PORT. All observed in memory.
 */
export class WorkerMetrics {
  readonly busy: BusySlots;
  private readonly timings: JobTimings;

  constructor(
    concurrency: number,
    readonly registry: Registry = register,
  ) {
    collectDefaultMetrics({ register: registry });
    this.busy = new BusySlots(concurrency, registry);
    this.timings = new JobTimings(registry);
  }

  startAttempt(job: TimedJob, kind: JobKind): AttemptObservation {
    const labels = { kind, plan: planOfPriority(job.opts.priority) };
    const started = Date.now();
    if (job.attemptsMade === 0) this.timings.wait.observe(labels, Math.max(0, (job.processedOn ?? started) - job.timestamp) / 1000);
    const endSlot = this.busy.start();
    return {
      engines: (engines) => timeFirstPreview(engines, () => this.timings.firstPreview.observe(labels, (Date.now() - job.timestamp) / 1000)),
      finish: (outcome) => {
        endSlot();
        this.timings.run.observe({ ...labels, outcome }, (Date.now() - started) / 1000);
      },
    };
  }
}
