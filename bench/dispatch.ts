/**
 * Dispatch: end-to-end jobs per second with the `instant` image engine — submit (HTTP) → queue
 * → worker (claim, engine, check, store, settle) → terminal event on the job's SSE stream —
 * against a raw BullMQ pipeline of no-op jobs (add → no-op worker → `completed` event) at the
 * same concurrency on the same Redis: one worker process at WORKER_CONCURRENCY each, the same
 * number of jobs in flight (closed loop). Platform and baseline alternate (ABAB); the ratio is
 * of the medians. Floor: ≥ 0.25× the baseline. Alongside, for scale, the walking-skeleton
 * issue's minimal pipeline at the same concurrency (row insert → add → a worker that marks the
 * row running, then done → `completed` event): what the architecture cannot avoid, with no
 * HTTP, no stream, no check and no file.
 *
 * Then a dedicated counting run, on a private redis-server this bench starts (so no other run's
 * commands are counted) and the platform's own database: Redis commands per job (MONITOR, split
 * into commands sent by clients and commands run inside Lua scripts, by connection name), and
 * PostgreSQL transactions and row writes per job (pg_stat_database and pg_stat_user_tables
 * deltas, by table). An idle window of the same processes is measured first and subtracted.
 * Goal (reported, not a floor): ≤ 3 row writes per job.
 * Run: npx tsx bench/dispatch.ts
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { TestPlatform, freePort, type TestUser } from '../test/support/platform.ts';
import { instantImagesCatalog } from '../test/support/catalogFiles.ts';
import { Floors, cpuMsOf, deleteKeys, machineLine, median, runPool, spawnBenchProcess, stopProcess, untilFinished } from './support.ts';
import { startMinimalPipeline } from './baseline/minimalPipeline.ts';
import { followJob, keptAlive, postJson } from './sseStream.ts';

const WORKER_CONCURRENCY = '8';
const IN_FLIGHT = 16;
const JOBS_PER_RUN = 300;
const PAIRS = 2;
const COUNTED_JOBS = 200;
const IDLE_WINDOW_MS = 5_000;
const atelierBin = new URL('../apps/cli/bin/atelier.js', import.meta.url).pathname;

console.log(machineLine());
const platform = await TestPlatform.start({ ATELIER_MODELS: instantImagesCatalog(), WORKER_CONCURRENCY });
const floors = new Floors();
const extraChildren: ChildProcess[] = [];
const baselinePrefix = `{bench-dispatch-${platform.env.QUEUE_PREFIX!.slice(6, 14)}}`;
try {
  const users: TestUser[] = await runPool(50, 8, () => platform.createUser({ plan: 'pro', credits: 10_000_000 }));
  const body = JSON.stringify({ prompt: 'benchmark', params: { width: 64, height: 64, steps: 1 } });
  let nextUser = 0;
  const failures: string[] = [];
  let resumes = 0;

  /** One job the way a client sees it: submit, open the stream, read to the terminal status. */
  const platformJob = (baseUrl: string) => async () => {
    const user = users[nextUser++ % users.length]!;
    const submitted = await postJson(`${baseUrl}/api/generate/image`, user.headers, body);
    if (submitted.status !== 202) throw new Error(`submit answered ${submitted.status}: ${submitted.text}`);
    const { streamUrl } = JSON.parse(submitted.text) as { streamUrl: string };
    let last = '';
    const followed = await followJob(baseUrl + streamUrl, {
      headers: user.headers,
      agent: keptAlive,
      onEvent: (event) => (last = `${event.type} ${event.data.slice(0, 160)}`),
    });
    resumes += followed.resumes;
    if (followed.terminal !== 'succeeded') failures.push(`stream ${followed.refused ?? 200}, terminal "${followed.terminal}", last event: ${last}`);
  };
  const timed = async (jobs: number, job: () => Promise<void>) => {
    const start = performance.now();
    await runPool(jobs, IN_FLIGHT, job);
    return jobs / ((performance.now() - start) / 1000);
  };

  // --- Throughput, on the shared Redis.
  const api = await platform.startApiProcess({ LOG_LEVEL: 'warn' });
  const worker = await platform.startWorker({ LOG_LEVEL: 'warn' });
  const noop = await spawnBenchProcess('./baseline/noopWorker.ts', { ...platform.env, QUEUE_PREFIX: baselinePrefix, WORKER_CONCURRENCY });
  extraChildren.push(noop.child);
  const connection = { url: platform.env.REDIS_URL!, maxRetriesPerRequest: null };
  const noopQueue = new Queue('noop', { connection, prefix: baselinePrefix });
  // Every add waits for the queue's connection; 16 at once pass Node's default of 10 listeners.
  noopQueue.setMaxListeners(IN_FLIGHT * 2);
  const noopEvents = new QueueEvents('noop', { connection, prefix: baselinePrefix });
  await noopEvents.waitUntilReady();
  const baselineJob = async () => {
    const job = await noopQueue.add('noop', {}, { priority: 1, removeOnComplete: { age: 3_600, count: 10_000 } });
    await untilFinished(job, noopEvents);
  };
  const resetLimits = () => deleteKeys(platform.redis, `${platform.env.QUEUE_PREFIX}:rate-limit:*`);

  const minimal = await startMinimalPipeline(platform.env, { concurrency: WORKER_CONCURRENCY, inFlight: IN_FLIGHT });
  extraChildren.push(minimal.worker);
  const minimalJob = async () => {
    await minimal.cycle();
  };

  await timed(50, platformJob(api.baseUrl));
  await timed(50, baselineJob);
  await timed(50, minimalJob);
  const rates = { platform: [] as number[], baseline: [] as number[], minimal: [] as number[] };
  for (let pair = 0; pair < PAIRS; pair++) {
    await resetLimits();
    rates.platform.push(await timed(JOBS_PER_RUN, platformJob(api.baseUrl)));
    rates.baseline.push(await timed(JOBS_PER_RUN, baselineJob));
    rates.minimal.push(await timed(JOBS_PER_RUN, minimalJob));
    console.log(
      `  run ${pair + 1}: platform ${rates.platform.at(-1)!.toFixed(1)} jobs/s, baseline ${rates.baseline.at(-1)!.toFixed(1)} jobs/s, ` +
        `minimal pipeline ${rates.minimal.at(-1)!.toFixed(1)} jobs/s`,
    );
  }
  const ratio = median(rates.platform) / median(rates.baseline);
  console.log(
    `dispatch (1 worker process × ${WORKER_CONCURRENCY}, ${IN_FLIGHT} jobs in flight, ${JOBS_PER_RUN} jobs a run, median of ${PAIRS}): ` +
      `platform ${median(rates.platform).toFixed(1)} jobs/s | raw BullMQ no-op ${median(rates.baseline).toFixed(1)} jobs/s | ratio ${ratio.toFixed(2)}×`,
  );
  console.log(
    `  for scale, the minimal pipeline (insert → add → running → done, no HTTP, stream, check or file): ${median(rates.minimal).toFixed(1)} jobs/s, ` +
      `${(median(rates.minimal) / median(rates.baseline)).toFixed(2)}× raw BullMQ; the platform is ${(median(rates.platform) / median(rates.minimal)).toFixed(2)}× of it`,
  );
  floors.check('end-to-end jobs/s ≥ 0.25× raw BullMQ', ratio >= 0.25, `${ratio.toFixed(2)}×`);

  await Promise.all([stopProcess(api.process), stopProcess(worker), stopProcess(noop.child), minimal.close()]);
  await noopEvents.close();
  await noopQueue.close();

  // --- Counting, on a private Redis and this run's database.
  const redisPort = await freePort();
  const redisServer = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  extraChildren.push(redisServer);
  await new Promise<void>((resolve) =>
    redisServer.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('Ready to accept connections') && resolve()),
  );
  redisServer.stdout!.resume();
  const privateUrl = `redis://127.0.0.1:${redisPort}`;
  const admin = new Redis(privateUrl);
  await admin.ping();
  const countEnv = { ...platform.env, REDIS_URL: privateUrl, LOG_LEVEL: 'info' };
  const apiPort = await freePort();
  const countApi = spawn(process.execPath, [atelierBin, 'api'], {
    env: { ...countEnv, LOG_LEVEL: 'warn', PORT: String(apiPort) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const countWorker = spawn(process.execPath, [atelierBin, 'worker'], { env: countEnv, stdio: ['ignore', 'pipe', 'inherit'] });
  extraChildren.push(countApi, countWorker);
  await new Promise<void>((resolve) => countWorker.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('worker started') && resolve()));
  countWorker.stdout!.resume();
  const countUrl = `http://127.0.0.1:${apiPort}`;
  while (
    !(await fetch(`${countUrl}/healthz`).then(
      (r) => r.ok,
      () => false,
    ))
  )
    await new Promise((r) => setTimeout(r, 100));
  await timed(20, platformJob(countUrl)); // scripts loaded, pools filled

  const counts = new Map<string, number>();
  let phase: 'idle' | 'busy' | 'off' = 'off';
  const monitorConnection = new Redis(privateUrl);
  const monitor = await monitorConnection.monitor();
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (phase === 'off') return;
    const key = `${phase}|${source === 'lua' ? 'lua' : source}|${String(args[0]).toLowerCase()}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  });

  const pgSnapshot = async () => {
    const { rows: tables } = await platform.pool.query<{ relname: string; ins: number; upd: number; del: number }>(
      `SELECT relname, n_tup_ins::int AS ins, n_tup_upd::int AS upd, n_tup_del::int AS del FROM pg_stat_user_tables`,
    );
    const {
      rows: [db],
    } = await platform.pool.query<{ commits: number }>(`SELECT xact_commit::int AS commits FROM pg_stat_database WHERE datname = current_database()`);
    return { tables: new Map(tables.map((t) => [t.relname, t])), commits: db!.commits };
  };
  /**
   * A backend reports its counters when idle, usually within a second, but up to 10 s later
   * when the shared stats are busy (PostgreSQL 15's PGSTAT_IDLE_INTERVAL): wait that out, then
   * until two reads agree.
   */
  const settledSnapshot = async () => {
    await new Promise((r) => setTimeout(r, 11_000));
    let last = JSON.stringify([...(await pgSnapshot()).tables]);
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, 1_000));
      const now = await pgSnapshot();
      const text = JSON.stringify([...now.tables]);
      if (text === last) return now;
      last = text;
    }
    return pgSnapshot();
  };

  const pgBeforeIdle = await settledSnapshot();
  const idleStart = performance.now();
  phase = 'idle';
  await new Promise((r) => setTimeout(r, IDLE_WINDOW_MS));
  phase = 'off';
  const pgAfterIdle = await settledSnapshot();
  const idleWindowMs = performance.now() - idleStart;
  const busyStart = performance.now();
  phase = 'busy';
  await runPool(COUNTED_JOBS, IN_FLIGHT, platformJob(countUrl));
  const busyMs = performance.now() - busyStart;
  await new Promise((r) => setTimeout(r, 300)); // the last MONITOR lines
  phase = 'off';
  const pgAfterBusy = await settledSnapshot();
  const busyWindowMs = performance.now() - busyStart;
  const idleScale = busyMs / IDLE_WINDOW_MS;

  // Name each client address by its connection name.
  const clientList = (await admin.client('LIST')) as string;
  const nameOf = new Map<string, string>();
  for (const line of clientList.split('\n')) {
    const addr = /addr=(\S+)/.exec(line)?.[1];
    const name = /name=(\S*)/.exec(line)?.[1];
    if (addr) nameOf.set(addr, name || 'unnamed');
  }
  const perJob = new Map<string, { origin: string; command: string; busy: number; idle: number }>();
  for (const [key, count] of counts) {
    const [which, source, command] = key.split('|') as ['idle' | 'busy', string, string];
    const origin = source === 'lua' ? 'inside Lua scripts' : `sent by ${nameOf.get(source) ?? source}`;
    const row = perJob.get(`${origin}|${command}`) ?? { origin, command, busy: 0, idle: 0 };
    row[which] += count;
    perJob.set(`${origin}|${command}`, row);
  }
  const adjusted = (row: { busy: number; idle: number }) => Math.max(0, row.busy - row.idle * idleScale) / COUNTED_JOBS;
  const rows = [...perJob.values()].sort((a, b) => adjusted(b) - adjusted(a));
  const total = (filter: (origin: string) => boolean) => rows.filter((r) => filter(r.origin)).reduce((sum, r) => sum + adjusted(r), 0);
  const rawTotal = (filter: (origin: string) => boolean) => rows.filter((r) => filter(r.origin)).reduce((sum, r) => sum + r.busy, 0) / COUNTED_JOBS;
  console.log(`Redis commands per job (${COUNTED_JOBS} jobs, ${(busyMs / 1000).toFixed(1)} s, idle traffic of the same processes subtracted):`);
  console.log(
    `  sent by clients ${total((o) => o.startsWith('sent')).toFixed(1)} (raw ${rawTotal((o) => o.startsWith('sent')).toFixed(1)}), ` +
      `run inside Lua scripts ${total((o) => o.startsWith('inside')).toFixed(1)} (raw ${rawTotal((o) => o.startsWith('inside')).toFixed(1)})`,
  );
  for (const row of rows.filter((r) => adjusted(r) >= 0.05)) {
    console.log(`  ${adjusted(row).toFixed(2).padStart(6)}  ${row.command.padEnd(16)} ${row.origin}`);
  }

  const idleCommits = pgAfterIdle.commits - pgBeforeIdle.commits;
  const busyCommits = pgAfterBusy.commits - pgAfterIdle.commits;
  // Both windows run from one settled snapshot to the next (the waits and the snapshot reads
  // themselves included), so the background is subtracted in proportion to their lengths.
  const pgIdleScale = busyWindowMs / idleWindowMs;
  console.log(
    `PostgreSQL per job: ${((busyCommits - idleCommits * pgIdleScale) / COUNTED_JOBS).toFixed(2)} transactions ` +
      `(raw ${(busyCommits / COUNTED_JOBS).toFixed(2)}; includes the submit's auth read and the stream's job read)`,
  );
  let writes = 0;
  for (const [name, after] of pgAfterBusy.tables) {
    const before = pgAfterIdle.tables.get(name)!;
    const ins = (after.ins - before.ins) / COUNTED_JOBS;
    const upd = (after.upd - before.upd) / COUNTED_JOBS;
    const del = (after.del - before.del) / COUNTED_JOBS;
    if (ins + upd + del === 0) continue;
    writes += ins + upd + del;
    console.log(`  ${name.padEnd(22)} inserted ${ins.toFixed(2)}  updated ${upd.toFixed(2)}  deleted ${del.toFixed(2)}`);
  }
  floors.goal('row writes per job ≤ 3', writes <= 3, `${writes.toFixed(2)} (trigger writes included)`);
  console.log(`streams resumed with Last-Event-ID after an early end: ${resumes}`);
  for (const failure of new Set(failures)) console.log(`  not succeeded: ${failure}`);
  floors.check('every job succeeded', failures.length === 0, `${failures.length} not succeeded`);

  monitor.disconnect();
  monitorConnection.disconnect();

  // --- CPU per job, on the private Redis without MONITOR: where the platform's work goes.
  const redisCpuMs = async () => {
    const info = (await admin.info('cpu')) as string;
    const value = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
    return (value('used_cpu_user') + value('used_cpu_sys')) * 1000;
  };
  const backendPids = async () =>
    (await platform.pool.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`)).rows.map(
      (r) => r.pid,
    );
  const cpuSum = (pids: number[]) =>
    pids.reduce(
      (sum, pid) =>
        sum +
        (() => {
          try {
            return cpuMsOf(pid);
          } catch {
            return 0; // a backend that ended meanwhile
          }
        })(),
      0,
    );
  const measureCpu = async (processes: Record<string, number[]>, run: () => Promise<unknown>) => {
    const before = Object.fromEntries(Object.entries(processes).map(([name, pids]) => [name, cpuSum(pids)]));
    const backendsBefore = new Map((await backendPids()).map((pid) => [pid, cpuSum([pid])]));
    const redisBefore = await redisCpuMs();
    const clientBefore = process.cpuUsage();
    await run();
    const client = process.cpuUsage(clientBefore);
    const result: Record<string, number> = Object.fromEntries(
      Object.entries(processes).map(([name, pids]) => [name, (cpuSum(pids) - before[name]!) / COUNTED_JOBS]),
    );
    // A backend that ended meanwhile is missed (the pool keeps them for 10 s idle; runs are shorter).
    result.postgresql = (await backendPids()).reduce((sum, pid) => sum + cpuSum([pid]) - (backendsBefore.get(pid) ?? 0), 0) / COUNTED_JOBS;
    result.redis = ((await redisCpuMs()) - redisBefore) / COUNTED_JOBS;
    result['bench client'] = (client.user + client.system) / 1000 / COUNTED_JOBS;
    return result;
  };
  const platformCpu = await measureCpu({ 'api process': [countApi.pid!], 'worker process': [countWorker.pid!] }, () =>
    runPool(COUNTED_JOBS, IN_FLIGHT, platformJob(countUrl)),
  );
  const countNoop = await spawnBenchProcess('./baseline/noopWorker.ts', { ...countEnv, QUEUE_PREFIX: baselinePrefix, WORKER_CONCURRENCY });
  extraChildren.push(countNoop.child);
  const privateConnection = { url: privateUrl, maxRetriesPerRequest: null };
  const privateQueue = new Queue('noop', { connection: privateConnection, prefix: baselinePrefix });
  privateQueue.setMaxListeners(IN_FLIGHT * 2);
  const privateEvents = new QueueEvents('noop', { connection: privateConnection, prefix: baselinePrefix });
  await privateEvents.waitUntilReady();
  const privateNoopJob = async () => {
    const job = await privateQueue.add('noop', {}, { priority: 1, removeOnComplete: { age: 3_600, count: 10_000 } });
    await untilFinished(job, privateEvents);
  };
  await runPool(50, IN_FLIGHT, privateNoopJob);
  const baselineCpu = await measureCpu({ 'noop worker': [countNoop.child.pid!] }, () => runPool(COUNTED_JOBS, IN_FLIGHT, privateNoopJob));
  const sum = (cpu: Record<string, number>) => Object.values(cpu).reduce((a, b) => a + b, 0);
  const describe = (cpu: Record<string, number>) =>
    Object.entries(cpu)
      .map(([name, value]) => `${name} ${value.toFixed(2)}`)
      .join(', ');
  console.log(`CPU ms per job: platform ${sum(platformCpu).toFixed(1)} (${describe(platformCpu)})`);
  console.log(`                raw BullMQ ${sum(baselineCpu).toFixed(1)} (${describe(baselineCpu)})`);
  console.log(
    `  with 2 cores, CPU alone caps the platform near ${(2_000 / sum(platformCpu)).toFixed(0)} jobs/s and the baseline near ${(2_000 / sum(baselineCpu)).toFixed(0)} jobs/s`,
  );
  await privateEvents.close();
  await privateQueue.close();
  admin.disconnect();
} finally {
  for (const child of extraChildren) child.kill('SIGKILL');
  await deleteKeys(platform.redis, `${baselinePrefix}:*`);
  await platform.stop();
}
console.log(machineLine());
floors.exit();
