/**
 * SSE fan-out on one API process, against a bare `node:http` SSE server in the same run:
 *  (a) memory per idle stream: 10,000 job streams open (jobs `running`, so no queue-position
 *      ticks, nothing sent but the opening; the heartbeat is put off past the run), RSS and
 *      heap (after GC) of the API process read over IPC (bench/children/instrumentedApi.ts:
 *      the real createApiServices + buildApp), per stream over the second 5,000 (the first
 *      5,000 also pay one-off growth; printed too); the bare server the same. Floor: RSS per
 *      stream ≤ 1.5×.
 *  (b) one event to 2,000 subscribers of one job (while the 10,000 idle streams stay open):
 *      the event is appended the way the worker appends it (XADD + PUBLISH in one script);
 *      the bare server gets the same `<id> <json>` on a Redis channel and writes it to each
 *      subscriber in a plain loop. Time from the append until each subscriber has parsed it.
 *      Also the server's CPU per event. Floors: time to the last subscriber ≤ 2× the bare loop
 *      (median over events); p99 over subscribers ≤ 250 ms.
 * Each round starts a fresh server process; platform and baseline rounds alternate (ABAB) and
 * the ratios are of the medians. Also prints how many Redis connections the API process holds
 * and how many of them carry subscriptions (CLIENT LIST), to show the streams share one.
 * Clients are raw `http.request` connections from 127.0.0.x source addresses (one per round).
 * Run: npx tsx bench/sseFanout.ts   (needs ~13,000 file descriptors per process: `ulimit -n`)
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { appendJobEvents } from '@atelier/queue';
import { TestPlatform, freePort, type TestUser } from '../test/support/platform.ts';
import { memoryOf, type MemoryReport } from './children/memoryReport.ts';
import { openStream, type OpenStream, type StreamOptions } from './sseStream.ts';
import { Floors, cpuMsOf, machineLine, median, ms, percentile, runPool, spawnBenchProcess, stopProcess } from './support.ts';

const IDLE_STREAMS = 10_000;
const FAN_SUBSCRIBERS = 2_000;
const USERS = 200;
const EVENTS_PER_ROUND = 10;
const ROUNDS = 2; // of each, alternating
const OPEN_CONCURRENCY = 100;

const fdLimit = Number(execFileSync('sh', ['-c', 'ulimit -n']).toString().trim());
console.log(`${machineLine()}; open-file limit ${fdLimit}`);
if (fdLimit < IDLE_STREAMS + FAN_SUBSCRIBERS + 1_000) {
  console.error(`The open-file limit (${fdLimit}) is below ${IDLE_STREAMS + FAN_SUBSCRIBERS + 1_000}: run \`ulimit -n 65536\` first.`);
  process.exit(2);
}

/** Local ports of this process's TCP connections to `remotePort` (from /proc). */
function connectionPorts(pid: number, remotePort: number): Set<number> {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    const link = (() => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        return ''; // closed while we read
      }
    })();
    const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
    if (inode) inodes.add(inode);
  }
  const ports = new Set<number>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10 || !inodes.has(fields[9]!)) continue;
      const local = parseInt(fields[1]!.split(':').at(-1)!, 16);
      const remote = parseInt(fields[2]!.split(':').at(-1)!, 16);
      if (remote === remotePort) ports.add(local);
    }
  }
  return ports;
}

const platform = await TestPlatform.start({ LOG_LEVEL: 'warn' });
const floors = new Floors();
try {
  const redisPort = Number(new URL(platform.env.REDIS_URL!).port || 6379);
  const users: TestUser[] = await runPool(USERS, 8, () => platform.createUser({ plan: 'pro', credits: 1_000 }));
  // Jobs that are running (as far as the stream can tell): nothing arrives on their streams.
  const { rows: idleJobs } = await platform.pool.query<{ id: string; user_id: string }>(
    `INSERT INTO generation_jobs (user_id, kind, prompt, params, priority, cost, status, started_at)
     SELECT u.id, 'image', 'idle stream', '{"width":64,"height":64,"steps":1,"seed":1}', 1, 0, 'running', now()
     FROM unnest($1::uuid[]) AS u(id), generate_series(1, $2)
     RETURNING id, user_id`,
    [users.map((u) => u.user.id), Math.ceil(IDLE_STREAMS / USERS)],
  );
  const headersOf = new Map(users.map((u) => [u.user.id, u.headers]));
  const fanUser = users[0]!;
  const {
    rows: [fanJob],
  } = await platform.pool.query<{ id: string }>(
    `INSERT INTO generation_jobs (user_id, kind, prompt, params, priority, cost, status, started_at)
     VALUES ($1, 'image', 'fan-out', '{"width":64,"height":64,"steps":1,"seed":1}', 1, 0, 'running', now()) RETURNING id`,
    [fanUser.user.id],
  );
  const fanChannel = `bench-fanout-${platform.env.QUEUE_PREFIX!.slice(6, 14)}`;

  type Kind = 'platform' | 'baseline';
  interface Round {
    rssPerStream: number;
    heapPerStream: number;
    toLast: number[];
    perSubscriber: number[];
    cpuPerEvent: number;
    redisConnections?: string;
  }
  const rounds: Record<Kind, Round[]> = { platform: [], baseline: [] };

  const runRound = async (kind: Kind, round: number): Promise<Round> => {
    const port = await freePort();
    const env =
      kind === 'platform'
        ? // One user holds all 2,000 subscribers of the fan-out job: lift the per-user stream and
          // request caps (they only count; each stream costs the same). The heartbeat (a `: ping`
          // to all 12,000 streams, every 15 s by default) is put off so that it cannot fall into
          // the timed fan-out; the bare server sends none.
          { ...platform.env, PORT: String(port), LOG_LEVEL: 'warn', SSE_MAX_STREAMS_PER_USER: '100000', RATE_LIMIT_MAX: '1000000', SSE_HEARTBEAT_MS: '600000' }
        : { ...platform.env, PORT: String(port), FANOUT_CHANNEL: fanChannel };
    const file = kind === 'platform' ? './children/instrumentedApi.ts' : './baseline/bareSseServer.ts';
    const { child } = await spawnBenchProcess(file, env, { nodeArgs: ['--expose-gc'], ipc: true });
    const base = `http://127.0.0.1:${port}`;
    const localAddress = `127.0.0.${2 + round}`;
    const urlOf = (jobId: string) => (kind === 'platform' ? `${base}/api/generate/${jobId}/stream` : `${base}/idle`);
    const streams: OpenStream[] = [];
    const open = async (jobId: string, headers: Record<string, string>, onEvent?: StreamOptions['onEvent'], fan = false) => {
      const url = fan ? (kind === 'platform' ? urlOf(jobId) : `${base}/fan`) : urlOf(jobId);
      const stream = await openStream(url, { headers, localAddress, onEvent });
      if (stream.status !== 200) throw new Error(`${kind}: stream answered ${stream.status}`);
      streams.push(stream);
    };
    try {
      // Warm: code paths compiled, pools filled; then closed again.
      await runPool(200, OPEN_CONCURRENCY, (i) => open(idleJobs[i]!.id, headersOf.get(idleJobs[i]!.user_id)!));
      for (const stream of streams.splice(0)) stream.close();
      await new Promise((r) => setTimeout(r, 1_000));
      // Per stream is measured over the second half: the first half also pays one-off growth
      // (V8 enlarges its young generation under a burst of allocation and keeps it committed),
      // which is not a cost of each stream. Both halves are printed.
      const half = IDLE_STREAMS / 2;
      const before: MemoryReport = await memoryOf(child);
      await runPool(half, OPEN_CONCURRENCY, (i) => open(idleJobs[i]!.id, headersOf.get(idleJobs[i]!.user_id)!));
      await new Promise((r) => setTimeout(r, 1_000));
      const middle: MemoryReport = await memoryOf(child);
      await runPool(half, OPEN_CONCURRENCY, (i) => open(idleJobs[half + i]!.id, headersOf.get(idleJobs[half + i]!.user_id)!));
      await new Promise((r) => setTimeout(r, 1_000));
      const after: MemoryReport = await memoryOf(child);
      if (Number(after.streams) < IDLE_STREAMS) throw new Error(`${kind}: only ${after.streams} streams open`);
      const rssFirstHalf = (middle.rss - before.rss) / half;
      const rssPerStream = (after.rss - middle.rss) / half;
      const heapPerStream = (after.heapUsed + after.external - middle.heapUsed - middle.external) / half;

      // Fan-out: 2,000 subscribers of one job.
      const arrivals = new Map<number, number[]>();
      const onEvent = (event: { type: string; data: string }) => {
        if (event.type !== 'progress') return;
        const { percent } = JSON.parse(event.data) as { percent: number };
        arrivals.get(percent)?.push(performance.now());
      };
      await runPool(FAN_SUBSCRIBERS, OPEN_CONCURRENCY, () => open(fanJob!.id, fanUser.headers, onEvent, true));
      await new Promise((r) => setTimeout(r, 1_000));
      let redisConnections: string | undefined;
      if (kind === 'platform') {
        const ports = connectionPorts(child.pid!, redisPort);
        const clients = ((await platform.redis.client('LIST')) as string).split('\n').filter((line) => {
          const port = Number(/ addr=[^ ]*:(\d+) /.exec(line)?.[1]);
          return ports.has(port);
        });
        const subscribed = clients.filter((line) => Number(/ sub=(\d+)/.exec(line)?.[1] ?? 0) > 0);
        const channels = subscribed.map((line) => / sub=(\d+)/.exec(line)![1]).join(', ');
        redisConnections =
          `${clients.length} Redis connections (${clients.map((l) => /name=(\S*)/.exec(l)?.[1] || 'unnamed').join(', ')}); ` +
          `${subscribed.length} with subscriptions, holding ${channels} channels for ${after.streams} + ${FAN_SUBSCRIBERS} streams`;
      }
      const toLast: number[] = [];
      const perSubscriber: number[] = [];
      const cpuBefore = cpuMsOf(child.pid!);
      for (let e = 1; e <= EVENTS_PER_ROUND; e++) {
        const times: number[] = [];
        arrivals.set(e, times);
        const start = performance.now();
        if (kind === 'platform') {
          await appendJobEvents(platform.redis, fanJob!.id, [{ type: 'progress', percent: e, stage: 'fan-out' }]);
        } else {
          await platform.redis.publish(fanChannel, `${Date.now()}-${e} ${JSON.stringify({ type: 'progress', percent: e, stage: 'fan-out' })}`);
        }
        const deadline = performance.now() + 10_000;
        while (times.length < FAN_SUBSCRIBERS && performance.now() < deadline) await new Promise((r) => setTimeout(r, 2));
        if (times.length < FAN_SUBSCRIBERS) throw new Error(`${kind}: event ${e} reached ${times.length} of ${FAN_SUBSCRIBERS}`);
        toLast.push(Math.max(...times) - start);
        perSubscriber.push(...times.map((t) => t - start));
        await new Promise((r) => setTimeout(r, 200));
      }
      // The server's CPU over the fan-out (the idle streams cost nothing meanwhile).
      const cpuPerEvent = (cpuMsOf(child.pid!) - cpuBefore) / EVENTS_PER_ROUND;
      console.log(
        `  ${kind} round ${round + 1}: ${(rssPerStream / 1024).toFixed(1)} KiB RSS (first ${half}: ${(rssFirstHalf / 1024).toFixed(1)}), ` +
          `${(heapPerStream / 1024).toFixed(1)} KiB heap+external per idle stream; ` +
          `one event to ${FAN_SUBSCRIBERS}: last after ${ms(median(toLast))} (median of ${EVENTS_PER_ROUND}), p99 ${ms(percentile(perSubscriber, 99))}, ` +
          `server CPU ${ms(cpuPerEvent)} an event`,
      );
      if (redisConnections) console.log(`    API process: ${redisConnections}`);
      return { rssPerStream, heapPerStream, toLast, perSubscriber, cpuPerEvent, redisConnections };
    } finally {
      for (const stream of streams) stream.close();
      await stopProcess(child);
    }
  };

  for (let round = 0; round < ROUNDS; round++) {
    rounds.platform.push(await runRound('platform', round * 2));
    rounds.baseline.push(await runRound('baseline', round * 2 + 1));
  }
  const med = (kind: Kind, pick: (r: Round) => number) => median(rounds[kind].map(pick));
  const rssRatio = med('platform', (r) => r.rssPerStream) / med('baseline', (r) => r.rssPerStream);
  const heapRatio = med('platform', (r) => r.heapPerStream) / med('baseline', (r) => r.heapPerStream);
  console.log(
    `idle stream memory (median of ${ROUNDS}): platform ${(med('platform', (r) => r.rssPerStream) / 1024).toFixed(1)} KiB RSS / ` +
      `${(med('platform', (r) => r.heapPerStream) / 1024).toFixed(1)} KiB heap+external; bare ${(med('baseline', (r) => r.rssPerStream) / 1024).toFixed(1)} KiB / ` +
      `${(med('baseline', (r) => r.heapPerStream) / 1024).toFixed(1)} KiB; ratio RSS ${rssRatio.toFixed(2)}×, heap ${heapRatio.toFixed(2)}×`,
  );
  floors.check('RSS per idle stream ≤ 1.5× bare', rssRatio <= 1.5, `${rssRatio.toFixed(2)}×`);

  const toLast = (kind: Kind) => median(rounds[kind].flatMap((r) => r.toLast));
  const p99 = (kind: Kind) =>
    percentile(
      rounds[kind].flatMap((r) => r.perSubscriber),
      99,
    );
  const fanRatio = toLast('platform') / toLast('baseline');
  console.log(
    `one event to ${FAN_SUBSCRIBERS} subscribers: platform last ${ms(toLast('platform'))} p99 ${ms(p99('platform'))} | ` +
      `bare loop last ${ms(toLast('baseline'))} p99 ${ms(p99('baseline'))} | ratio ${fanRatio.toFixed(2)}×`,
  );
  console.log(
    `  server CPU for one event to ${FAN_SUBSCRIBERS}: platform ${ms(med('platform', (r) => r.cpuPerEvent))}, bare loop ${ms(med('baseline', (r) => r.cpuPerEvent))}`,
  );
  floors.check(`fan-out to ${FAN_SUBSCRIBERS} ≤ 2× bare loop`, fanRatio <= 2, `${fanRatio.toFixed(2)}×`);
  floors.check(`fan-out p99 ≤ 250 ms`, p99('platform') <= 250, ms(p99('platform')));
} finally {
  await platform.stop();
}
console.log(machineLine());
floors.exit();
