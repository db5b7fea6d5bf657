/**
 * The floor of the job cycle: a BullMQ worker that does only what the architecture cannot
 * avoid — mark the row running, mark it done. Started as its own process, like a real worker.
 * Its statements are prepared, as the platform's are.
 */
import { Worker } from 'bullmq';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
pool.on('error', (error) => console.error(`baseline worker: ${error.message}`));
const worker = new Worker(
  'baseline',
  async (job) => {
    await pool.query({ name: 'baseline-running', text: `UPDATE baseline_jobs SET status = 'running' WHERE id = $1`, values: [job.data.id] });
    await pool.query({ name: 'baseline-done', text: `UPDATE baseline_jobs SET status = 'done' WHERE id = $1`, values: [job.data.id] });
  },
  {
    connection: { url: process.env.REDIS_URL, maxRetriesPerRequest: null },
    prefix: process.env.QUEUE_PREFIX,
    concurrency: Number(process.env.WORKER_CONCURRENCY),
  },
);
worker.on('ready', () => console.log('worker started'));
process.once(
  'SIGTERM',
  () =>
    void worker
      .close()
      .then(() => pool.end())
      .then(() => process.exit(0)),
);
