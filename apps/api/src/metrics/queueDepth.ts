import { Gauge, type Registry } from 'prom-client';
import { planOfPriority, queuePriorities, type GenerationQueue } from '@atelier/queue';
import type { ScrapeReads } from './scrapeReads.ts';

const states = ['waiting', 'prioritized', 'active', 'delayed', 'paused', 'completed', 'failed'] as const;

/**
 * The generation queue as BullMQ holds it, read at scrape time in three Redis calls whatever
 * the queue's length:
 * - `atelier_queue_jobs{state}`: jobs per BullMQ state;
 * - `atelier_queue_waiting_jobs{priority,plan}`: jobs waiting to start, per priority
 *   (`promoted` is priority 0: aged jobs, served first). Their sum is the backlog the
 *   workers scale on;
 * - `atelier_queue_paused`: 1 while an admin has paused the queue.
 * Every API process reports the same queue: aggregate with `max`, not `sum`, across them.
 */
export function measureQueueDepth(queue: GenerationQueue, registry: Registry, reads: ScrapeReads): void {
  const read = reads.shared('redis', async () => {
    const [counts, perPriority, paused] = await Promise.all([queue.getJobCounts(...states), queue.getCountsPerPriority(queuePriorities), queue.isPaused()]);
    return { counts, perPriority, paused };
  });
  new Gauge({
    name: 'atelier_queue_jobs',
    help: 'Jobs in the generation queue by BullMQ state, read at scrape time.',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      const snapshot = await read();
      this.reset();
      for (const state of snapshot ? states : []) this.set({ state }, snapshot!.counts[state] ?? 0);
    },
  });
  new Gauge({
    name: 'atelier_queue_waiting_jobs',
    help: 'Jobs waiting to start in the generation queue, by priority and the plan it stands for.',
    labelNames: ['priority', 'plan'] as const,
    registers: [registry],
    async collect() {
      const snapshot = await read();
      this.reset();
      for (const priority of snapshot ? queuePriorities : []) {
        this.set({ priority: String(priority), plan: planOfPriority(priority) }, snapshot!.perPriority[String(priority)] ?? 0);
      }
    },
  });
  new Gauge({
    name: 'atelier_queue_paused',
    help: '1 while the generation queue is paused by an admin, else 0.',
    registers: [registry],
    async collect() {
      const snapshot = await read();
      this.reset();
      if (snapshot) this.set(snapshot.paused ? 1 : 0);
    },
  });
}
