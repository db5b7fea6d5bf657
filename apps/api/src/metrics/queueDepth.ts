import { Gauge, type Registry } from 'prom-client';
import type { Catalog } from '@atelier/contracts';
import { planOfPriority, queuePriorities, queueStates as states, readQueueTotals, type GenerationQueues } from '@atelier/queue';
import type { ScrapeReads } from './scrapeReads.ts';

/**
 * The generation queues (one per model of the catalog) as BullMQ holds them, summed, read at
 * scrape time in three Redis calls per model whatever the queues' lengths:
 * - `atelier_queue_jobs{state}`: jobs per BullMQ state;
 * - `atelier_queue_waiting_jobs{priority,plan}`: jobs waiting to start, per priority
 *   (`promoted` is priority 0: aged jobs, served first). Their sum is the backlog the
 *   workers scale on;
 * - `atelier_queue_paused`: 1 while an admin has paused the queues.
 * Every API process reports the same queue: aggregate with `max`, not `sum`, across them.
 */
export function measureQueueDepth(queues: GenerationQueues, catalog: Catalog, registry: Registry, reads: ScrapeReads): void {
  const models = catalog.models.map((model) => model.id);
  const read = reads.shared('redis', async () => (await readQueueTotals(queues, models)).total);
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
