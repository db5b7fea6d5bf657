import type { Redis } from 'ioredis';
import type { FastifyBaseLogger } from 'fastify';
import type { QueueEvent } from '@atelier/contracts';
import { servedModels, waitingPositions } from '@atelier/queue';
import type { WaitEstimator } from './waitEstimator.ts';

interface Tracked {
  model: string;
  last: string | null;
  send(event: QueueEvent): void;
}

/**
 * A new stream's first position is read this long after it opens, together with every other
 * stream opened meanwhile: one read for all of them instead of one per stream (each read
 * covers every tracked job), and none at all for a job a worker takes at once.
 */
const FIRST_LOOK_MS = 100;

export const waitingForWorker = (model: string) => `a worker that serves ${model}`;

/**
 * For every open stream of a waiting job in this process: one pipelined read of all their
 * positions (each in its model's queue) and of the live workers every tick, and a `queue`
 * event to each whose position changed, or whose model gained or lost its last worker.
 */
export class QueuePositionTicker {
  private readonly tracked = new Map<string, Set<Tracked>>();
  private timer: NodeJS.Timeout | null = null;
  private firstLook: NodeJS.Timeout | null = null;
  private ticking = false;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly estimator: WaitEstimator,
    private readonly intervalMs: number,
    private readonly log: FastifyBaseLogger,
  ) {}

  track(jobId: string, model: string, send: Tracked['send']): () => void {
    const entry: Tracked = { model, last: null, send };
    let set = this.tracked.get(jobId);
    if (!set) this.tracked.set(jobId, (set = new Set()));
    set.add(entry);
    this.timer ??= setInterval(() => void this.tick(), this.intervalMs).unref();
    this.firstLook ??= setTimeout(() => {
      this.firstLook = null;
      void this.tick();
    }, FIRST_LOOK_MS).unref();
    return () => {
      set.delete(entry);
      if (set.size === 0) this.tracked.delete(jobId);
      if (this.tracked.size > 0 || !this.timer) return;
      clearInterval(this.timer);
      this.timer = null;
    };
  }

  private async tick(): Promise<void> {
    if (this.ticking || this.tracked.size === 0) return;
    this.ticking = true;
    try {
      const jobs = [...this.tracked].map(([id, entries]) => ({ id, model: entries.values().next().value!.model }));
      const [positions, served] = await Promise.all([waitingPositions(this.redis, this.prefix, jobs), servedModels(this.redis, this.prefix)]);
      for (const [jobId, position] of positions) {
        for (const entry of this.tracked.get(jobId) ?? []) {
          if (position === null) continue;
          const waitingFor = served.has(entry.model) ? undefined : waitingForWorker(entry.model);
          const state = `${position}|${waitingFor ?? ''}`;
          if (state === entry.last) continue;
          entry.last = state;
          const etaSeconds = await this.estimator.etaSeconds(position, entry.model);
          entry.send({ type: 'queue', position, etaSeconds, ...(waitingFor ? { waitingFor } : {}) });
        }
      }
    } catch (error) {
      this.log.warn({ err: error }, 'could not read queue positions; will try again');
    } finally {
      this.ticking = false;
    }
  }
}
