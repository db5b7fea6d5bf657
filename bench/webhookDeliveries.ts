/**
 * How many webhook deliveries one worker process sustains to a local receiver, against bare
 * signed `fetch` POSTs from one process at the same concurrency, measured in the same run.
 * The receiver runs in a process of its own and times both from its first request to its
 * last. The platform's deliveries are the whole path: the outbox row read with its job and
 * secret, the body fixed, signed, POSTed through the SSRF-guarded client, the attempt recorded
 * and the queue entry finished. The events are queued before the worker starts, so its
 * start-up is not counted. Exits 1 below FLOOR_PER_SECOND.
 *
 *   npx tsx bench/webhookDeliveries.ts        (DELIVERIES=3000 CONCURRENCY=32 by default)
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWebhookDeliveryQueue, enqueueWebhookDelivery, newWebhookSecret, signatureHeader } from '@atelier/webhooks';
import { TestPlatform } from '../test/support/platform.ts';
import { Floors, machineLine, runPool, spawnBenchProcess, stopProcess } from './support.ts';

const DELIVERIES = Number(process.env.DELIVERIES ?? 3_000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 32);
const FLOOR_PER_SECOND = 100;
const REPORT_EVERY = 100;

interface Receiver {
  child: ChildProcess;
  url: string;
  /** Resolves with the ms from the first request to the `count`-th. */
  untilCount(count: number): Promise<number>;
}

async function startReceiver(): Promise<Receiver> {
  const { child, line } = await spawnBenchProcess('./children/webhookReceiver.ts', { ...process.env, REPORT_EVERY: String(REPORT_EVERY) });
  const waiting = new Map<number, (ms: number) => void>();
  let buffered = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const report of lines) {
      const [, count, ms] = report.split(' ');
      waiting.get(Number(count))?.(Number(ms));
    }
  });
  return { child, url: `http://127.0.0.1:${line}/hook`, untilCount: (count) => new Promise((resolve) => waiting.set(count, resolve)) };
}

/** A body the size of a real one: a succeeded image job's view in the Standard Webhooks envelope. */
const bodyOf = (id: string) =>
  JSON.stringify({
    type: 'job.completed',
    timestamp: new Date().toISOString(),
    data: { id, kind: 'image', prompt: 'a small red kite', params: { width: 64, height: 64, steps: 2, seed: 5 }, status: 'succeeded', progress: 100 },
  });

async function baseline(): Promise<number> {
  const receiver = await startReceiver();
  const secret = newWebhookSecret();
  const done = receiver.untilCount(DELIVERIES);
  await runPool(DELIVERIES, CONCURRENCY, async () => {
    const id = `msg_${randomUUID().replaceAll('-', '')}`;
    const timestamp = Math.floor(Date.now() / 1000);
    const body = bodyOf(id);
    const answer = await fetch(receiver.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signatureHeader([secret], id, timestamp, body),
      },
      body,
    });
    await answer.text();
  });
  const ms = await done;
  await stopProcess(receiver.child);
  return ((DELIVERIES - 1) * 1000) / ms;
}

async function platformRun(): Promise<number> {
  const receiver = await startReceiver();
  const platform = await TestPlatform.start({ WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_ALLOW_HTTP: 'true' });
  try {
    const { user } = await platform.createUser();
    // Finished jobs with a webhook, made in two statements: the insert, then the transition
    // whose trigger writes the outbox rows, as a worker's completion does.
    await platform.pool.query(
      `INSERT INTO generation_jobs (user_id, kind, prompt, params, priority, cost, status, webhook_url, webhook_events)
       SELECT $1, 'image', 'a small red kite', '{"width":64,"height":64,"steps":2,"seed":5}', 10, 0, 'running', $2, '{completed}'
       FROM generate_series(1, $3)`,
      [user.id, receiver.url, DELIVERIES],
    );
    await platform.pool.query(`UPDATE generation_jobs SET status = 'succeeded', progress = 100, finished_at = now() WHERE user_id = $1`, [user.id]);
    const { rows } = await platform.pool.query<{ id: string }>(`SELECT job_id AS id FROM webhook_events`);
    const queue = createWebhookDeliveryQueue(platform.redis, platform.env.QUEUE_PREFIX!);
    await runPool(rows.length, 50, (index) => enqueueWebhookDelivery(queue, { jobId: rows[index]!.id, reservationRound: 1, event: 'completed' }));
    await queue.close();

    const done = receiver.untilCount(DELIVERIES);
    await platform.startWorker({ LOG_LEVEL: 'warn', WEBHOOK_CONCURRENCY: String(CONCURRENCY) });
    const ms = await done;
    const { rows: delivered } = await platform.pool.query<{ count: number }>(`SELECT count(*)::int AS count FROM webhook_events WHERE status = 'delivered'`);
    console.log(`platform: ${delivered[0]!.count} of ${DELIVERIES} events recorded delivered when the receiver had them all`);
    return ((DELIVERIES - 1) * 1000) / ms;
  } finally {
    await stopProcess(receiver.child);
    await platform.stop();
  }
}

console.log(machineLine());
console.log(`${DELIVERIES} deliveries, ${CONCURRENCY} in flight, to a receiver on loopback in its own process`);
const bare = await baseline();
console.log(`baseline: bare signed fetch POSTs from one process: ${bare.toFixed(0)} deliveries/s`);
const ours = await platformRun();
console.log(`platform: one worker process's delivery processor: ${ours.toFixed(0)} deliveries/s`);
console.log(`ratio: ${(ours / bare).toFixed(2)}x the baseline`);
console.log(machineLine());
const floors = new Floors();
floors.check('deliveries per second, one worker process', ours >= FLOOR_PER_SECOND, `${ours.toFixed(0)}/s (floor ${FLOOR_PER_SECOND}/s)`);
floors.exit();
