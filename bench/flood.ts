/**
 * One user floods submits; do other users notice? On one API process and one worker (the
 * `instant` engine, so jobs drain), twenty other users submit 20 a second in all, evenly paced
 * (bench/pacedLoad.ts), alone and then while one user sends 1,000 submits a second from 100
 * connections, also paced, from a process of its own. Quiet and flooded runs alternate (ABAB…); the floor is on the
 * medians: the other users' submit p99 under the flood stays within 2× of their p99 without
 * it, and the flooder is refused with 429 past its limits (120 a minute, 10 a second).
 * Run: npx tsx bench/flood.ts
 */
import { apiConfigSchema } from '../apps/api/src/config.ts';
import { TestPlatform, type TestUser } from '../test/support/platform.ts';
import { instantImagesCatalog } from '../test/support/catalogFiles.ts';
import { pacedLoad, type PacedResult } from './pacedLoad.ts';
import { deleteKeys, Floors, machineLine, median, ms, percentile, runPool, spawnBenchProcess } from './support.ts';

const OTHER_USERS = 20;
const OTHERS_RATE = 20;
const FLOOD_RATE = 1_000;
const FLOOD_CONNECTIONS = 100;
const SECONDS = 10;
const PAIRS = 5;

console.log(machineLine());
// The production limits (the test platform raises the burst limit for tests that race submits).
const limits = {
  SUBMIT_BURST_MAX: String(apiConfigSchema.shape.SUBMIT_BURST_MAX.parse(undefined)),
  SUBMIT_RATE_LIMIT_MAX: String(apiConfigSchema.shape.SUBMIT_RATE_LIMIT_MAX.parse(undefined)),
};
const platform = await TestPlatform.start({ ATELIER_MODELS: instantImagesCatalog(), WORKER_CONCURRENCY: '8', ...limits });
const floors = new Floors();
try {
  const api = await platform.startApiProcess({ LOG_LEVEL: 'warn' });
  await platform.startWorker({ LOG_LEVEL: 'warn' });
  const others: TestUser[] = await runPool(OTHER_USERS, 8, () => platform.createUser({ plan: 'free', credits: 1_000_000 }));
  const body = JSON.stringify({ prompt: 'benchmark', params: { width: 64, height: 64, steps: 1 } });
  const headersOf = (user: TestUser) => ({ ...user.headers, 'content-type': 'application/json' });
  const submitsBy = (users: TestUser[], rate: number, clients: number) =>
    pacedLoad({
      baseUrl: api.baseUrl,
      clients,
      rate,
      seconds: SECONDS,
      next: (index) => ({ method: 'POST', path: '/api/generate/image', headers: headersOf(users[index % users.length]!), body }),
    });
  /**
   * The flood comes from a process of its own (in this one it would delay reading the others'
   * answers), loaded before the run so that its start-up does not land in it.
   */
  const startFlood = async (flooder: TestUser): Promise<() => Promise<PacedResult>> => {
    const { child } = await spawnBenchProcess('./children/pacedClient.ts', process.env, { ipc: true });
    const job = {
      baseUrl: api.baseUrl,
      clients: FLOOD_CONNECTIONS,
      rate: FLOOD_RATE,
      seconds: SECONDS,
      headers: headersOf(flooder),
      path: '/api/generate/image',
      body,
    };
    return async () => {
      const answer = new Promise<{ latencies: number[]; statuses: [number, number][]; throughput: number }>((resolve) => child.once('message', resolve));
      child.send({ type: 'go', job });
      const result = await answer;
      return { latencies: result.latencies, statuses: new Map(result.statuses), throughput: result.throughput };
    };
  };
  /** Fresh rate-limit windows for the other users, so that neither run starts with the other's counts. */
  const reset = () => deleteKeys(platform.redis, `${platform.env.QUEUE_PREFIX}:rate-limit:*`);
  const describe = (result: PacedResult) =>
    `p50 ${ms(median(result.latencies))} p99 ${ms(percentile(result.latencies, 99))} (${[...result.statuses].map(([status, count]) => `${count}× ${status}`).join(', ')})`;

  // Warm-up: scripts loaded, pools filled, and the refusal path run once too (its first
  // flood was the slowest in every run, whichever pair it fell in).
  await Promise.all([submitsBy(others, OTHERS_RATE, OTHER_USERS), (await startFlood(await platform.createUser({ plan: 'pro', credits: 1_000_000 })))()]);
  const quietP99: number[] = [];
  const floodedP99: number[] = [];
  let othersRefused = 0;
  let flooderAccepted = 0;
  let flooderRefused = 0;
  for (let pair = 0; pair < PAIRS; pair++) {
    await reset();
    const quiet = await submitsBy(others, OTHERS_RATE, OTHER_USERS);
    quietP99.push(percentile(quiet.latencies, 99));
    console.log(`  quiet    others ${describe(quiet)}`);

    await reset();
    // A new flooder each time: its first submits are accepted up to its limit, as a real flood's are.
    const flooder = await platform.createUser({ plan: 'pro', credits: 1_000_000 });
    const flood = await startFlood(flooder);
    const [flooded, flooding] = await Promise.all([submitsBy(others, OTHERS_RATE, OTHER_USERS), flood()]);
    floodedP99.push(percentile(flooded.latencies, 99));
    console.log(`  flooded  others ${describe(flooded)}`);
    console.log(`           flooder ${flooding.throughput.toFixed(0)} answers/s, ${describe(flooding)}`);
    othersRefused += quiet.latencies.length + flooded.latencies.length - (quiet.statuses.get(202) ?? 0) - (flooded.statuses.get(202) ?? 0);
    flooderAccepted += flooding.statuses.get(202) ?? 0;
    flooderRefused += flooding.statuses.get(429) ?? 0;
  }
  const ratio = median(floodedP99) / median(quietP99);
  console.log(
    `others' submit p99, median of ${PAIRS}: quiet ${ms(median(quietP99))}, under a ${FLOOD_RATE}/s flood ${ms(median(floodedP99))}: ratio ${ratio.toFixed(2)}×`,
  );
  floors.check(`others' submit p99 under the flood ≤ 2× without it`, ratio <= 2, `${ratio.toFixed(2)}×`);
  floors.check(
    'the flooder is refused with 429 past its limit',
    flooderRefused > 0 && flooderAccepted <= PAIRS * Number(limits.SUBMIT_RATE_LIMIT_MAX),
    `${flooderAccepted} accepted, ${flooderRefused} refused`,
  );
  floors.check('no other user is refused', othersRefused === 0, `${othersRefused} refused`);
} finally {
  await platform.stop();
}
console.log(machineLine());
floors.exit();
