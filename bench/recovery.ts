/**
 * How fast a job runs again after its worker dies or freezes, and how fast the queue is whole
 * again after Redis loses it, with the default lock and stall-check settings
 * (WORKER_LOCK_DURATION_MS 5 s, WORKER_STALLED_INTERVAL_MS 2 s), and what those settings cost
 * in Redis commands.
 *
 * - 20 rounds, SIGKILL and SIGSTOP in turn, of the worker holding a video job, with 3 workers
 *   of 1 slot: time from the signal to the claim by another worker (job_history). A frozen
 *   worker is woken (SIGCONT) once another holds its job: it must change nothing.
 * - 5 FLUSHDBs and 3 restarts of Redis with no data, each under a dozen unfinished jobs: time
 *   from the flush (or from Redis answering again) to every unfinished row in the queue again.
 * - Redis commands a second that the locks and stall checks cost (MONITOR, 10 s windows):
 *   3 idle workers, then 3 workers each holding a job.
 * Floors: p99 ≤ 10 s for each. The ledger and the one-ending rule are checked at the end.
 * Run: npx tsx bench/recovery.ts
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { Fleet } from './chaos/fleet.ts';
import { checkHistory } from './chaos/historyChecker.ts';
import type { FollowedJob } from './chaos/simulatedUsers.ts';
import { Floors, machineLine, percentile } from './support.ts';

const ROUNDS = Number(process.env.RECOVERY_ROUNDS ?? 20);
const GOAL_MS = 10_000;
const video = { prompt: 'a slow pan over a harbour', params: { seconds: 4, fps: 12, width: 320, height: 240 } };
const image = { prompt: 'a kite', params: { width: 64, height: 64, steps: 2 } };

console.log(machineLine());
const fleet = await Fleet.start({ apis: 0, workers: 3, env: { LOG_LEVEL: 'error', DATABASE_POOL_SIZE: '3' }, workerEnv: { WORKER_CONCURRENCY: '1' } });
const { platform } = fleet;
const floors = new Floors();
const submitted: string[] = [];
try {
  const user = await platform.createUser({ plan: 'pro', credits: 1_000_000 });
  const submit = async (kind: 'video' | 'image', body: unknown): Promise<string> => {
    const response = await fetch(`${platform.baseUrl}/api/generate/${kind}`, {
      method: 'POST',
      headers: { ...user.headers, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status !== 202) throw new Error(`submit answered ${response.status}: ${await response.text()}`);
    const { job } = (await response.json()) as { job: { id: string } };
    submitted.push(job.id);
    return job.id;
  };
  const row = async (id: string) =>
    (await platform.pool.query<{ status: string; worker_id: string | null }>('SELECT status, worker_id FROM generation_jobs WHERE id = $1', [id])).rows[0]!;
  const until = async <T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 120_000, everyMs = 20): Promise<T> => {
    for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(everyMs)) {
      const value = await check();
      if (value !== undefined) return value;
    }
    throw new Error(`timed out waiting for ${what}`);
  };
  const allEnded = () => until('every job to end', async () => ((await unfinished()).length === 0 ? true : undefined), 180_000, 200);
  const unfinished = async () =>
    (await platform.pool.query<{ id: string }>(`SELECT id FROM generation_jobs WHERE status IN ('queued', 'running')`)).rows.map((r) => r.id);

  const lockCost = await measureLockCost(fleet, () =>
    Promise.all(fleet.workers.map(() => submit('video', { ...video, params: { ...video.params, seconds: 10 } }))),
  );
  await allEnded();

  const takeover: Record<'SIGKILL' | 'SIGSTOP', number[]> = { SIGKILL: [], SIGSTOP: [] };
  const starting: Promise<unknown>[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const signal = round % 2 === 0 ? 'SIGKILL' : 'SIGSTOP';
    const id = await submit('video', video);
    const holder = await until('the job to run', async () => {
      const { status, worker_id } = await row(id);
      return status === 'running' ? fleet.workers.find((worker) => worker_id?.includes(`:${worker.pid}:`)) : undefined;
    });
    const hitAt = Date.now();
    holder.kill(signal);
    const claimedAt = await until('another worker to claim the job', async () => {
      const { rows } = await platform.pool.query<{ claimed: Date }>(
        `SELECT claimed_at AS claimed FROM job_history WHERE job_id = $1 AND worker_id NOT LIKE $2 ORDER BY attempt LIMIT 1`,
        [id, `%:${holder.pid}:%`],
      );
      return rows[0]?.claimed.getTime();
    });
    takeover[signal].push(claimedAt - hitAt);
    console.log(`round ${round + 1}: ${signal} → running again on another worker after ${((claimedAt - hitAt) / 1000).toFixed(2)} s`);
    // The replacement starts beside the next rounds (seconds on a loaded machine); two workers stay free for them.
    if (signal === 'SIGKILL') starting.push(fleet.replaceWorker(holder));
    else holder.kill('SIGCONT');
    await allEnded();
  }
  await Promise.all(starting);

  const requeue: Record<'FLUSHDB' | 'restart empty', number[]> = { FLUSHDB: [], 'restart empty': [] };
  for (let round = 0; round < 8; round++) {
    const how = round < 5 ? 'FLUSHDB' : 'restart empty';
    await Promise.all(Array.from({ length: 12 }, (_, i) => (i < 3 ? submit('video', video) : submit('image', image))));
    await until('three jobs running', async () => ((await unfinished()).length > 0 ? true : undefined));
    let from = Date.now();
    if (how === 'FLUSHDB') await fleet.redis.command((client) => client.flushdb());
    else {
      await fleet.redis.restart(false);
      from = Date.now();
    }
    const whole = await until(
      'every unfinished job queued again',
      async () => {
        const ids = await unfinished();
        const states = await Promise.all(ids.map((id) => fleet.queue.getJobState(id).catch(() => 'unknown')));
        return states.every((state) => state !== 'unknown') ? Date.now() : undefined;
      },
      120_000,
      50,
    );
    requeue[how].push(whole - from);
    console.log(`${how}: every unfinished job queued again after ${((whole - from) / 1000).toFixed(2)} s`);
    await allEnded();
  }

  const seconds = (values: number[], p: number) => `${(percentile(values, p) / 1000).toFixed(2)} s`;
  console.log('\n| what | runs | p50 | p99 | max |');
  console.log('| --- | --- | --- | --- | --- |');
  const all = {
    'SIGKILL → running on another worker': takeover.SIGKILL,
    'SIGSTOP → running on another worker': takeover.SIGSTOP,
    'FLUSHDB → every job queued again': requeue.FLUSHDB,
    'restart empty (answering) → every job queued again': requeue['restart empty'],
  };
  for (const [what, values] of Object.entries(all))
    console.log(`| ${what} | ${values.length} | ${seconds(values, 50)} | ${seconds(values, 99)} | ${seconds(values, 100)} |`);
  console.log(
    `\nRedis commands a second for locks and stall checks (MONITOR): 3 idle workers ${lockCost.idle.toFixed(1)}; 3 workers each holding a job ${lockCost.busy.toFixed(1)}`,
  );
  console.log(
    `  → ${(lockCost.idle / 3).toFixed(2)} a second per worker, ${((lockCost.busy - lockCost.idle) / 3).toFixed(2)} more per running job; data sentinel checks: ${(lockCost.sentinel / 3).toFixed(2)} a second per worker`,
  );

  const kills = [...takeover.SIGKILL, ...takeover.SIGSTOP];
  floors.check(
    'worker killed or frozen → job running again, p99',
    percentile(kills, 99) <= GOAL_MS,
    `${seconds(kills, 99)} over ${kills.length} (goal ≤ 10 s; the issue measured 58.8–62.0 s)`,
  );
  const losses = [...requeue.FLUSHDB, ...requeue['restart empty']];
  floors.check(
    'Redis lost → every job queued again, p99',
    percentile(losses, 99) <= GOAL_MS,
    `${seconds(losses, 99)} over ${losses.length} (goal ≤ 10 s; the issue measured 66 s to done)`,
  );
  const asFollowed = submitted.map((jobId) => ({ jobId, entries: [], terminal: 'seen', reconnects: 0, reconnectGaps: [] }) as unknown as FollowedJob);
  const checked = await checkHistory(platform.pool, platform.redis, platform.storageDirectory, asFollowed, [user.user.id]);
  floors.check(
    'every job ended once, ledger exact, objects match',
    checked.violations.length === 0,
    checked.violations.slice(0, 5).join('; ') || `${submitted.length} jobs`,
  );
} finally {
  await fleet.stop();
}
console.log(machineLine());
floors.exit();

/** Counts, with MONITOR, the commands that touch job locks, the stalled set and the stall-check key, over 10 s. */
async function measureLockCost(fleet: Fleet, occupy: () => Promise<unknown>): Promise<{ idle: number; busy: number; sentinel: number }> {
  const idle = await countLockCommands(fleet, 10_000);
  await occupy();
  await sleep(1_500);
  const busy = await countLockCommands(fleet, 10_000);
  return { idle: idle.lock, busy: busy.lock, sentinel: idle.sentinel };
}

async function countLockCommands(fleet: Fleet, windowMs: number): Promise<{ lock: number; sentinel: number }> {
  const monitor: Redis = await fleet.platform.redis.monitor();
  let lock = 0;
  let sentinel = 0;
  monitor.on('monitor', (_time: string, args: string[]) => {
    const line = args.join(' ');
    if (/:lock\b|:stalled\b|stalled-check/.test(line)) lock++;
    if (line.includes('data-sentinel')) sentinel++;
  });
  await sleep(windowMs);
  monitor.disconnect();
  return { lock: (lock * 1000) / windowMs, sentinel: (sentinel * 1000) / windowMs };
}
