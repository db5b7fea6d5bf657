/**
 * The floor of `POST /api/generate/image`: a bare `node:http` server that does only the work
 * the submit cannot avoid — the same one-statement insert (`insertJobWithReservation`: debit,
 * job row, reservation) and the same BullMQ add (`enqueueGeneration`) — on the same PostgreSQL
 * and Redis. No authentication (the bench names the user in `x-user-id`), no validation, no
 * rate limit, no framework. Started as its own process; prints `ready <port>` when listening.
 */
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { createPool, insertJobWithReservation } from '@atelier/db';
import { createRedis, enqueueGeneration, GenerationQueues } from '@atelier/queue';

// Prepared statements, as the API uses them: the baseline gets every advantage the platform has.
const pool = createPool(process.env.DATABASE_URL!, Number(process.env.DATABASE_POOL_SIZE ?? 10), { preparedStatements: true });
const redis = createRedis(process.env.REDIS_URL!, 'producer', (error) => console.error(`baseline redis: ${error.message}`));
const queues = new GenerationQueues(redis, process.env.QUEUE_PREFIX!);
/** The model the API's submits go to in bench/submitPath.ts (its catalog makes it the image default). */
const MODEL = 'atelier/instant-test-image';

const failures = new Map<string, number>();
const server = createServer((request, response) => {
  // The load generator opens its connections with a GET before it starts the clock.
  if (request.method === 'GET') {
    response.end('ok');
    return;
  }
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    void (async () => {
      const { prompt, params } = JSON.parse(Buffer.concat(chunks).toString()) as { prompt: string; params: Record<string, unknown> };
      const job = await insertJobWithReservation(pool, {
        userId: request.headers['x-user-id'] as string,
        kind: 'image',
        model: MODEL,
        prompt,
        params: { ...params, seed: 1 },
        priority: 1,
        cost: 2,
        maxActiveJobs: 100,
      });
      if (typeof job === 'string') {
        response.writeHead(429, { 'content-type': 'application/json' }).end(JSON.stringify({ error: job }));
        return;
      }
      await enqueueGeneration(queues, { jobId: job.id, kind: 'image', model: MODEL, requestId: randomUUID() }, job.priority);
      response.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ job, streamUrl: `/api/generate/${job.id}/stream` }));
    })().catch((error: Error) => {
      // Once per message: under overload the same error repeats by the hundred.
      const seen = failures.get(error.message) ?? 0;
      if (seen === 0) console.error(`baseline submit: ${error.message}`);
      failures.set(error.message, seen + 1);
      response.writeHead(500).end();
    });
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`ready ${process.env.PORT}`));
process.once('SIGTERM', () => {
  for (const [message, count] of failures) if (count > 1) console.error(`baseline submit: ${message} (${count} times)`);
  server.close();
  void Promise.all([queues.close(), pool.end()]).then(() => process.exit(0));
});
