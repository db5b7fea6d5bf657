import type { Redis } from 'ioredis';
import type { JobEvent } from '@atelier/contracts';
import { appendJobEvent } from '@atelier/queue';

/**
 * Appends a job's events in order without making the engine wait: each append is chained
 * after the previous one. The first failure is kept and thrown by `flush()`, so a lost event
 * fails the attempt instead of vanishing.
 */
export class JobEventWriter {
  private chain: Promise<void> = Promise.resolve();
  private failure: Error | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly jobId: string,
  ) {}

  emit(event: JobEvent): void {
    this.chain = this.chain.then(async () => {
      if (this.failure) return;
      try {
        await appendJobEvent(this.redis, this.jobId, event);
      } catch (error) {
        this.failure = error as Error;
      }
    });
  }

  async flush(): Promise<void> {
    await this.chain;
    if (this.failure) throw this.failure;
  }
}
