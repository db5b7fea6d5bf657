/**
 * The floor of dispatch: a raw BullMQ worker whose jobs do nothing, in its own process, at
 * `WORKER_CONCURRENCY`. Prints `ready` once it is connected.
 */
import { Worker } from 'bullmq';

const worker = new Worker('noop', async () => {}, {
  connection: { url: process.env.REDIS_URL, maxRetriesPerRequest: null },
  prefix: process.env.QUEUE_PREFIX,
  concurrency: Number(process.env.WORKER_CONCURRENCY),
});
worker.on('ready', () => console.log('ready'));
process.once('SIGTERM', () => void worker.close().then(() => process.exit(0)));
