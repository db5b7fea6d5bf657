import type { Redis } from 'ioredis';
import type { JobEvent } from '@atelier/contracts';
import { appendJobEvents } from '@atelier/queue';

/**
 * Appends a job's events in order without making the engine wait. Events emitted in the same
 * tick, or while an append is in flight, go together in the next single round trip. The first
 * failure is kept and thrown by `flush()`, so a lost event fails the attempt instead of vanishing.
 */
export class JobEventWriter {
  private pending: JobEvent[] = [];
  private draining: Promise<void> | null = null;
  private failure: Error | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly jobId: string,
  ) {}

  emit(event: JobEvent): void {
    this.pending.push(event);
    this.draining ??= Promise.resolve().then(() => this.drain());
  }

  async flush(): Promise<void> {
    await this.draining;
    if (this.failure) throw this.failure;
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0 && !this.failure) {
      const batch = this.pending;
      this.pending = [];
      try {
        await appendJobEvents(this.redis, this.jobId, batch);
      } catch (error) {
        this.failure = error as Error;
      }
    }
    this.draining = null;
  }
}
