import { Histogram, type Registry } from 'prom-client';

/** Seconds: from a fraction of a second (instant engines) to the longest job timeout. */
const buckets = [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300];

export type AttemptOutcome = 'completed' | 'retrying' | 'failed' | 'canceled' | 'handed_back';

/**
 * Job timings, observed in memory by the worker that runs the job:
 * - `atelier_job_wait_seconds{kind,plan}`: from submit (the job's enqueue time) to its first
 *   attempt's start; retries are not waits;
 * - `atelier_job_run_seconds{kind,plan,outcome}`: each attempt, start to end; its `_count`
 *   by outcome is the rate of finished attempts;
 * - `atelier_job_first_preview_seconds{kind,plan}`: from submit to the first preview a
 *   watcher can see (a BlurHash for images, frame 0 for videos; voice has none).
 * `plan` is the plan the job was submitted under (its priority then).
 */
export class JobTimings {
  readonly wait: Histogram<'kind' | 'plan'>;
  readonly run: Histogram<'kind' | 'plan' | 'outcome'>;
  readonly firstPreview: Histogram<'kind' | 'plan'>;

  constructor(registry: Registry) {
    this.wait = new Histogram({
      name: 'atelier_job_wait_seconds',
      help: 'Time from submit to the start of the first attempt, by kind and plan.',
      labelNames: ['kind', 'plan'] as const,
      buckets,
      registers: [registry],
    });
    this.run = new Histogram({
      name: 'atelier_job_run_seconds',
      help: 'Run time of each attempt, by kind, plan and outcome (completed, retrying, failed, canceled, handed_back on shutdown).',
      labelNames: ['kind', 'plan', 'outcome'] as const,
      buckets,
      registers: [registry],
    });
    this.firstPreview = new Histogram({
      name: 'atelier_job_first_preview_seconds',
      help: 'Time from submit to the first preview a watcher can see, by kind and plan.',
      labelNames: ['kind', 'plan'] as const,
      buckets,
      registers: [registry],
    });
  }
}
