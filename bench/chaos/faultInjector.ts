/**
 * The faults a chaos run injects, each recorded with when it happened and to whom, so the
 * history checker can measure how long the platform took to recover from it.
 */
import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Fleet } from './fleet.ts';

export const faultKinds = ['kill-worker', 'stop-worker', 'kill-api', 'restart-redis-with-data', 'restart-redis-empty', 'cut-postgres'] as const;
export type FaultKind = (typeof faultKinds)[number];

export interface Fault {
  kind: FaultKind;
  /** When the fault was injected (ms since the epoch). */
  at: number;
  /** When the platform's part was back: Redis answering, PostgreSQL reachable, the worker woken, the API answering again. */
  backAt: number | null;
  /** The worker's pid, for worker faults. */
  pid?: number;
  /** Jobs the worker held when it was hit. */
  heldJobs?: string[];
  /** Redis faults: when every unfinished job was in the queue again. */
  requeuedAt?: number;
}

/** How long a frozen worker stays frozen, and PostgreSQL stays cut. */
const STOP_MS = 40_000;
const CUT_MS = 5_000;

export class FaultInjector {
  readonly faults: Fault[] = [];
  private readonly frozen = new Set<ChildProcess>();
  private readonly pending: Promise<unknown>[] = [];
  private order: FaultKind[] = [];

  constructor(private readonly fleet: Fleet) {}

  /**
   * Injects one fault every 10–30 s until `until`. Kinds are drawn at random without
   * replacement, so a short run sees every kind once before any repeats.
   */
  async run(until: number, gapMs: [number, number] = [10_000, 30_000]): Promise<void> {
    for (;;) {
      await sleep(gapMs[0] + Math.random() * (gapMs[1] - gapMs[0]));
      if (Date.now() >= until) break;
      await this.inject(this.nextKind());
    }
    await Promise.all(this.pending);
  }

  /** When the last fault's effect ended (the worker woke, PostgreSQL came back…). */
  get lastFaultEnded(): number {
    return Math.max(0, ...this.faults.map((fault) => fault.backAt ?? fault.at));
  }

  private nextKind(): FaultKind {
    if (this.order.length === 0) this.order = [...faultKinds].sort(() => Math.random() - 0.5);
    return this.order.pop()!;
  }

  async inject(kind: FaultKind): Promise<Fault> {
    const fault: Fault = { kind, at: Date.now(), backAt: null };
    this.faults.push(fault);
    console.log(`${new Date(fault.at).toISOString()}  fault: ${kind}`);
    switch (kind) {
      case 'kill-worker':
      case 'stop-worker':
        await this.hitWorker(fault);
        break;
      case 'kill-api': {
        const live = this.fleet.apis.filter((api) => api.process.exitCode === null && api.process.signalCode === null);
        const index = this.fleet.apis.indexOf(live[Math.floor(Math.random() * live.length)]!);
        this.fleet.apis[index]!.process.kill('SIGKILL');
        // Started again beside the next faults, as a supervisor would: starting takes seconds on a loaded machine.
        this.pending.push(this.fleet.replaceApi(index).then(() => (fault.backAt = Date.now())));
        break;
      }
      case 'restart-redis-with-data':
      case 'restart-redis-empty':
        await this.fleet.redis.restart(kind === 'restart-redis-with-data');
        fault.backAt = Date.now();
        this.pending.push(this.untilRequeued(fault));
        break;
      case 'cut-postgres':
        this.fleet.databaseProxy.cut();
        this.later(CUT_MS, () => {
          this.fleet.databaseProxy.restore();
          fault.backAt = Date.now();
        });
        break;
    }
    return fault;
  }

  private async hitWorker(fault: Fault): Promise<void> {
    const candidates = this.fleet.workers.filter((worker) => !this.frozen.has(worker) && worker.exitCode === null && worker.signalCode === null);
    const held = await Promise.all(candidates.map((worker) => this.jobsHeldBy(worker.pid!)));
    // A worker holding a job if there is one: that is the fault that matters.
    const busy = candidates.filter((_, index) => held[index]!.length > 0);
    const pool = busy.length > 0 ? busy : candidates;
    const victim = pool[Math.floor(Math.random() * pool.length)]!;
    fault.pid = victim.pid!;
    fault.heldJobs = held[candidates.indexOf(victim)]!;
    fault.at = Date.now();
    if (fault.kind === 'kill-worker') {
      victim.kill('SIGKILL');
      this.pending.push(this.fleet.replaceWorker(victim).then(() => (fault.backAt = Date.now())));
      return;
    }
    victim.kill('SIGSTOP');
    this.frozen.add(victim);
    this.later(STOP_MS, () => {
      victim.kill('SIGCONT');
      this.frozen.delete(victim);
      fault.backAt = Date.now();
    });
  }

  /** Polls until the queue knows every queued or running row again (or 60 s pass). */
  private async untilRequeued(fault: Fault): Promise<void> {
    const { pool } = this.fleet.platform;
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(100)) {
      const { rows } = await pool.query<{ id: string }>(`SELECT id FROM generation_jobs WHERE status IN ('queued', 'running')`);
      const states = await Promise.all(rows.map((row) => this.fleet.queue.getJobState(row.id).catch(() => 'unknown')));
      if (states.every((state) => state !== 'unknown')) {
        fault.requeuedAt = Date.now();
        return;
      }
    }
  }

  private async jobsHeldBy(pid: number): Promise<string[]> {
    const { rows } = await this.fleet.platform.pool.query<{ id: string }>(`SELECT id FROM generation_jobs WHERE status = 'running' AND worker_id LIKE $1`, [
      `%:${pid}:%`,
    ]);
    return rows.map((row) => row.id);
  }

  private later(ms: number, action: () => void): void {
    this.pending.push(sleep(ms).then(action));
  }
}
