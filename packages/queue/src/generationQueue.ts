import { Queue, type ConnectionOptions } from 'bullmq';
import type { Redis } from 'ioredis';
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
  const parsed = queues.generation.payload.parse(payload);
  await generationQueues.of(parsed.model).add(queues.generation.jobName, parsed, jobOptions(parsed, priority));
}

/**
 * Many at once, one round trip per model's queue, each queue's in the order given (BullMQ
 * serves equal priorities in the order added).
 */
export async function enqueueGenerations(generationQueues: GenerationQueues, jobs: { payload: GenerationPayload; priority: number }[]): Promise<void> {
  const byModel = new Map<string, typeof jobs>();
  for (const job of jobs) byModel.set(job.payload.model, [...(byModel.get(job.payload.model) ?? []), job]);
  await Promise.all(
    [...byModel].map(([model, modelJobs]) =>
      generationQueues.of(model).addBulk(
        modelJobs.map(({ payload, priority }) => {
          const data = queues.generation.payload.parse(payload);
          return { name: queues.generation.jobName, data, opts: jobOptions(data, priority) };
        }),
      ),
    ),
  );
}

function jobOptions(payload: GenerationPayload, priority: number) {
  return {
    jobId: payload.jobId,
    priority,
    attempts: queues.generation.attempts,
    backoff: { type: 'exponential' as const, delay: queues.generation.backoffMs, jitter: 0.5 },
    removeOnComplete: { age: 3_600, count: 10_000 },
    // Failed jobs are moved to the dead-letter queue by the worker; the failed set is kept for a week.
    removeOnFail: { age: 7 * 24 * 3_600 },
  };
}

/** Which of these jobs their model's queue holds no entry for, in any state: one round trip for all. */
export async function idsUnknownToQueue(generationQueues: GenerationQueues, jobs: { id: string; model: string }[]): Promise<Set<string>> {
  if (jobs.length === 0) return new Set();
  // BullMQ types its client narrowly; it is the ioredis connection the queues were made with.
  const client = (await generationQueues.of(jobs[0]!.model).client) as unknown as Redis;
  const pipeline = client.pipeline();
  for (const job of jobs) pipeline.exists(generationQueues.of(job.model).toKey(job.id));
  const replies = (await pipeline.exec()) ?? [];
  return new Set(jobs.filter((_, index) => replies[index]?.[1] === 0).map((job) => job.id));
}
