import { Queue, type ConnectionOptions } from 'bullmq';
import { generationQueueName, queues, type GenerationPayload } from '@atelier/contracts';

export type GenerationQueue = Queue<GenerationPayload>;

/**
 * The generation queues, one per model (`generation/<model id>`), each opened on first use and
 * kept. A job's queue follows from its row's `model`, so any process (the API, a worker, the
 * CLI) reaches it without the catalog.
 */
export class GenerationQueues {
  private readonly byModel = new Map<string, GenerationQueue>();

  constructor(
    private readonly connection: ConnectionOptions,
    readonly prefix: string,
    private readonly onError?: (error: Error) => void,
  ) {}

  of(modelId: string): GenerationQueue {
    let queue = this.byModel.get(modelId);
    if (!queue) {
      queue = new Queue<GenerationPayload>(generationQueueName(modelId), { connection: this.connection, prefix: this.prefix });
      if (this.onError) queue.on('error', this.onError);
      this.byModel.set(modelId, queue);
    }
    return queue;
  }

  async close(): Promise<void> {
    await Promise.all([...this.byModel.values()].map((queue) => queue.close()));
    this.byModel.clear();
  }
}

/**
 * Add the job to its model's queue under the row's id, so adding twice is a no-op. Every job
 * carries an explicit priority: BullMQ would run one without a priority ahead of all
 * prioritized jobs.
 */
export async function enqueueGeneration(generationQueues: GenerationQueues, payload: GenerationPayload, priority: number): Promise<void> {
  queues.generation.payload.parse(payload);
  await generationQueues.of(payload.model).add(queues.generation.jobName, payload, {
    jobId: payload.jobId,
    priority,
    attempts: queues.generation.attempts,
    backoff: { type: 'exponential', delay: queues.generation.backoffMs, jitter: 0.5 },
    removeOnComplete: { age: 3_600, count: 10_000 },
    // Failed jobs are moved to the dead-letter queue by the worker; the failed set is kept for a week.
    removeOnFail: { age: 7 * 24 * 3_600 },
  });
}
