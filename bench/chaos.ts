/**
 * A chaos soak: about 200 people keep event streams open and submit a mix of images, videos
 * and voice clips for CHAOS_MINUTES (15 by default; 2 in CI) while a fault injector, every
 * 10–30 s, SIGKILLs a worker, SIGKILLs an API process, freezes a worker for 40 s (SIGSTOP,
 * then SIGCONT), restarts Redis with its data or without, or cuts PostgreSQL for 5 s (a TCP
 * proxy that drops every connection). Everything runs on its own: a database on the local
 * PostgreSQL behind the proxy, a redis-server with an append-only file, 2 API processes and
 * 3 workers (2 slots each); a killed process is started again, as a supervisor would.
 *
 * Then the history checker (bench/chaos/historyChecker.ts) verifies that every accepted job
 * ended exactly once (none left running 60 s after the last fault), that every balance is its
 * ledger and nothing was charged or refunded twice, that every client's events joined across
 * reconnects are its job's record, and that objects and asset rows match; and the run prints
 * a table of the faults with how long the platform took to recover from each kind. Exits
 * non-zero on any violation.
 * Run: CHAOS_MINUTES=2 npx tsx bench/chaos.ts
 */
import { FaultInjector, faultKinds, type Fault, type FaultKind } from './chaos/faultInjector.ts';
import { Fleet } from './chaos/fleet.ts';
import { checkHistory, reclaimTimes } from './chaos/historyChecker.ts';
import { SimulatedUsers, type FollowedJob } from './chaos/simulatedUsers.ts';
import { machineLine, percentile, runPool } from './support.ts';

const MINUTES = Number(process.env.CHAOS_MINUTES ?? 15);
const USERS = Number(process.env.CHAOS_USERS ?? 200);
const PRO_SHARE = 0.2;
/** Jobs must all have ended this long after the last fault's effect ended. */
const SETTLE_MS = 60_000;

const startedAt = Date.now();
console.log(machineLine());
console.log(`chaos: ${MINUTES} min, ${USERS} users, 2 API processes, 3 workers × 2 slots`);
const fleet = await Fleet.start({
  apis: 2,
  workers: 3,
  env: { LOG_LEVEL: 'error', DATABASE_POOL_SIZE: '3', SUBMIT_BURST_MAX: '1000' },
  workerEnv: { WORKER_CONCURRENCY: '2' },
});
let exitCode = 1;
try {
  const users = await runPool(USERS, 8, (i) => fleet.platform.createUser({ plan: i < USERS * PRO_SHARE ? 'pro' : 'free', credits: 1_000_000 }));
  const people = new SimulatedUsers(users, () => fleet.apiUrls, [10_000, 30_000]);
  const injector = new FaultInjector(fleet);
  const until = Date.now() + MINUTES * 60_000;
  const settleBy = () => Math.max(until, injector.lastFaultEnded) + SETTLE_MS;
  const using = people.run(settleBy);
  await injector.run(until);
  people.stop();
  await using;
  const ranFor = Date.now() - startedAt;

  const result = await checkHistory(
    fleet.platform.pool,
    fleet.platform.redis,
    fleet.platform.storageDirectory,
    people.activity.jobs,
    users.map((user) => user.user.id),
  );
  printFaults(await recoveryFigures(injector.faults), injector.faults, people.activity.jobs);
  console.log('\nfigures');
  for (const [name, value] of Object.entries(result.figures)) console.log(`  ${name}: ${value}`);
  const refusals = new Map<number, number>();
  for (const { status } of people.activity.refused) refusals.set(status, (refusals.get(status) ?? 0) + 1);
  console.log(`  submits refused: ${[...refusals].map(([status, n]) => `${n} × ${status || 'no answer'}`).join(', ') || 'none'}`);
  console.log(`  streams open at the peak: ${people.activity.peakStreams}`);
  const gaps = people.activity.jobs.flatMap((job) => job.reconnectGaps.map((gap) => gap.ms));
  console.log(
    `  stream reconnect, end → answered again: p50 ${percentile(gaps, 50).toFixed(0)} ms, p99 ${percentile(gaps, 99).toFixed(0)} ms (${gaps.length})`,
  );
  console.log(`  wall time: ${(ranFor / 1000).toFixed(0)} s (${MINUTES} min of faults, then the last jobs settle)`);
  console.log(machineLine());
  if (result.violations.length === 0) {
    console.log('\nPASS  history checker: no violation');
    exitCode = 0;
  } else {
    console.log(`\nFAIL  history checker: ${result.violations.length} violations`);
    for (const violation of result.violations) console.log(`  ${violation}`);
  }
} finally {
  await fleet.stop();
}
process.exit(exitCode);

interface RecoveryRow {
  kind: FaultKind;
  injected: number;
  measure: string;
  samples: number[];
}

/** How long the platform took to recover from each fault, by kind. */
async function recoveryFigures(faults: Fault[]): Promise<RecoveryRow[]> {
  const rows: RecoveryRow[] = [];
  for (const kind of faultKinds) {
    const ofKind = faults.filter((fault) => fault.kind === kind);
    const row: RecoveryRow = { kind, injected: ofKind.length, measure: '', samples: [] };
    for (const fault of ofKind) {
      if (kind === 'kill-worker' || kind === 'stop-worker') {
        row.measure = 'fault → each held job claimed by another worker';
        row.samples.push(...(await reclaimTimes(fleet.platform.pool, fault.heldJobs ?? [], fault.pid!, fault.at)));
      } else if (kind === 'kill-api') {
        row.measure = 'SIGKILL → the process started again answers';
        if (fault.backAt) row.samples.push(fault.backAt - fault.at);
      } else if (kind === 'cut-postgres') {
        row.measure = 'connections back → next job finished';
        if (fault.backAt) row.samples.push(...(await firstFinishAfter(fault.backAt)));
      } else {
        row.measure = 'Redis answering → every unfinished job queued again';
        if (fault.backAt && fault.requeuedAt) row.samples.push(fault.requeuedAt - fault.backAt);
      }
    }
    rows.push(row);
  }
  return rows;
}

async function firstFinishAfter(since: number): Promise<number[]> {
  const { rows } = await fleet.platform.pool.query<{ first: Date | null }>(
    `SELECT min(finished_at) AS first FROM generation_jobs WHERE finished_at > to_timestamp($1 / 1000.0)`,
    [since],
  );
  return rows[0]?.first ? [rows[0].first.getTime() - since] : [];
}

/** Each stream reconnect is put down to the last fault injected before its stream broke. */
function printFaults(rows: RecoveryRow[], injected: Fault[], jobs: FollowedJob[]): void {
  const gapsByKind = new Map<FaultKind, number[]>();
  const faults = [...injected].sort((a, b) => a.at - b.at);
  for (const gap of jobs.flatMap((job) => job.reconnectGaps)) {
    const cause = faults.filter((fault) => fault.at <= gap.at).at(-1);
    if (cause) gapsByKind.set(cause.kind, [...(gapsByKind.get(cause.kind) ?? []), gap.ms]);
  }
  console.log('\n| fault | injected | recovery measured | samples | p50 | p99 | stream reconnects after it: n, p50, p99 |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  const seconds = (values: number[], p: number) => (values.length ? `${(percentile(values, p) / 1000).toFixed(1)} s` : '—');
  for (const row of rows) {
    const gaps = gapsByKind.get(row.kind) ?? [];
    console.log(
      `| ${row.kind} | ${row.injected} | ${row.measure} | ${row.samples.length} | ${seconds(row.samples, 50)} | ${seconds(row.samples, 99)} | ${gaps.length}, ${seconds(gaps, 50)}, ${seconds(gaps, 99)} |`,
    );
  }
}
