/**
 * The job cycle of two builds, A/B in one run: this checkout's API and worker against those of
 * another checkout (`COMPARE_WITH`, e.g. a `git worktree` of the previous commit with its own
 * `npm ci`), one job at a time (or `IN_FLIGHT` at once), against the walking-skeleton baseline.
 * The two builds are restarted and warmed in turn, in ABBA order, on the same PostgreSQL, Redis
 * and users, so the machine's drift (on these shared machines the same code's cycle moved from
 * 6 to 10 ms within an hour) and any edge of running second fall on both. Prints each build's median, its ratio to
 * the baseline and the CPU its API and worker used per job (steadier than latency); a comparison,
 * so no floor.
 * Run: git worktree add /tmp/before HEAD~1 && (cd /tmp/before && npm ci) &&
 *      COMPARE_WITH=/tmp/before npx tsx bench/compareCycle.ts
 */
import { resolve } from 'node:path';
import { TestPlatform } from '../test/support/platform.ts';
import { instantImagesCatalog } from '../test/support/catalogFiles.ts';
import { startMinimalPipeline } from './baseline/minimalPipeline.ts';
import { timeImageJob } from './sseStream.ts';
import { cpuMsOf, deleteKeys, median, percentile, runPool, stopProcess } from './support.ts';

const other = process.env.COMPARE_WITH;
if (!other) {
  console.error('COMPARE_WITH must name the root of the checkout to compare with (a git worktree with node_modules).');
  process.exit(2);
}
const builds = [
  { name: 'this checkout', bin: undefined },
  { name: `${other}`, bin: resolve(other, 'apps/cli/bin/atelier.js') },
];
const ROUNDS = Number(process.env.ROUNDS ?? 4);
/** Jobs in flight: 1 times the cycle alone; more times it under load, where CPU per job decides. */
const IN_FLIGHT = Number(process.env.IN_FLIGHT ?? 1);
const JOBS_PER_ROUND = 150 * IN_FLIGHT;
const WARM_JOBS = 400;
const WORKER_CONCURRENCY = '8';

const platform = await TestPlatform.start({ ATELIER_MODELS: instantImagesCatalog(), WORKER_CONCURRENCY });
try {
  // Enough users, round-robin, that none reaches the submit rate limit.
  const users = await runPool(150, 8, () => platform.createUser({ plan: 'pro', credits: 100_000_000 }));
  let nextUser = 0;
  const body = JSON.stringify({ prompt: 'benchmark', params: { width: 64, height: 64, steps: 1 } });

  const minimal = await startMinimalPipeline(platform.env, { concurrency: WORKER_CONCURRENCY, inFlight: Math.max(8, IN_FLIGHT) });

  const times = new Map<string, number[]>([['baseline', []]]);
  /** CPU ms of each build's API and worker processes, and the jobs they ran, over the timed runs. */
  const cpu = new Map<string, { ms: number; jobs: number }>(builds.map((build) => [build.name, { ms: 0, jobs: 0 }]));
  await runPool(300, IN_FLIGHT, minimal.cycle);
  for (let round = 1; round <= ROUNDS; round++) {
    // ABBA: the order flips every round, so neither build always runs first after a restart.
    for (const build of round % 2 === 1 ? builds : [...builds].reverse()) {
      const api = await platform.startApiProcess({ LOG_LEVEL: 'warn' }, { bin: build.bin });
      const worker = await platform.startWorker({ LOG_LEVEL: 'warn' }, { bin: build.bin });
      const cycle = () => timeImageJob(api.baseUrl, users[nextUser++ % users.length]!.headers, body);
      await runPool(WARM_JOBS, 8, cycle);
      const cpuBefore = cpuMsOf(api.process.pid!) + cpuMsOf(worker.pid!);
      times.set(build.name, [...(times.get(build.name) ?? []), ...(await runPool(JOBS_PER_ROUND, IN_FLIGHT, cycle))]);
      const used = cpu.get(build.name)!;
      used.ms += cpuMsOf(api.process.pid!) + cpuMsOf(worker.pid!) - cpuBefore;
      used.jobs += JOBS_PER_ROUND;
      times.get('baseline')!.push(...(await runPool(JOBS_PER_ROUND / builds.length, IN_FLIGHT, minimal.cycle)));
      await Promise.all([stopProcess(api.process), stopProcess(worker)]);
      await deleteKeys(platform.redis, `${platform.env.QUEUE_PREFIX}:rate-limit:*`);
    }
    console.log(`round ${round}: ${[...times].map(([name, values]) => `${name} ${median(values).toFixed(2)} ms`).join(' | ')}`);
  }
  const baseline = median(times.get('baseline')!);
  console.log(`${IN_FLIGHT} in flight:`);
  for (const [name, values] of times) {
    const used = cpu.get(name);
    const cpuPerJob = used ? `, API + worker CPU ${(used.ms / used.jobs).toFixed(2)} ms a job` : '';
    console.log(
      `${name}: p50 ${median(values).toFixed(2)} ms, p99 ${percentile(values, 99).toFixed(1)} ms, ${(median(values) / baseline).toFixed(2)}× the baseline${cpuPerJob}`,
    );
  }
  await minimal.close();
} finally {
  await platform.stop();
}
