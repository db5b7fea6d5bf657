/**
 * The walking-skeleton issue's baseline, driven from the benchmark: a row insert, a BullMQ add
 * with the row's id, and `minimalWorker.ts` (its own process) marking the row running, then
 * done; one cycle ends at BullMQ's `completed` event. Its statements are prepared, as the
 * platform's are. Creates its table in the given database and uses its own queue prefix.
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents } from 'bullmq';
import { createPool } from '@atelier/db';
import { spawnBenchProcess, stopProcess, untilFinished } from '../support.ts';

export interface MinimalPipeline {
  /** Its worker process, for a caller that kills what it started when it fails. */
  worker: ChildProcess;
  /** One job through the pipeline; resolves with its time in ms. */
  cycle(): Promise<number>;
  close(): Promise<void>;
}

export async function startMinimalPipeline(env: NodeJS.ProcessEnv, options: { concurrency: string; inFlight: number }): Promise<MinimalPipeline> {
  const prefix = `{bench-minimal-${randomUUID().slice(0, 8)}}`;
  const pool = createPool(env.DATABASE_URL!, 10, { preparedStatements: true });
  await pool.query(`CREATE TABLE IF NOT EXISTS baseline_jobs (id uuid PRIMARY KEY, prompt text NOT NULL, status text NOT NULL DEFAULT 'queued')`);
  const worker = await spawnBenchProcess(
    './baseline/minimalWorker.ts',
    { ...env, QUEUE_PREFIX: prefix, WORKER_CONCURRENCY: options.concurrency },
    { ready: 'worker started' },
  );
  const connection = { url: env.REDIS_URL!, maxRetriesPerRequest: null };
  const queue = new Queue('baseline', { connection, prefix });
  // Every add waits for the queue's connection; many at once pass Node's default of 10 listeners.
  queue.setMaxListeners(options.inFlight * 2);
  const events = new QueueEvents('baseline', { connection, prefix });
  await events.waitUntilReady();
  return {
    worker: worker.child,
    async cycle() {
      const start = performance.now();
      const id = randomUUID();
      await pool.query({ name: 'baseline-insert', text: `INSERT INTO baseline_jobs (id, prompt) VALUES ($1, 'benchmark')`, values: [id] });
      const job = await queue.add('baseline', { id }, { jobId: id, priority: 1 });
      await untilFinished(job, events);
      return performance.now() - start;
    },
    async close() {
      await stopProcess(worker.child);
      await events.close();
      await queue.obliterate({ force: true });
      await queue.close();
      await pool.end();
    },
  };
}
