/** Shared by the benchmarks: percentiles, a plain report line, child processes, Redis clean-up. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import type { Job, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** The middle value; for an even count, the mean of the two middle ones. */
export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export const ms = (value: number) => `${value.toFixed(1)} ms`;

/** Run `count` tasks with at most `concurrency` in flight. */
export async function runPool<T>(count: number, concurrency: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const index = next++;
        results[index] = await task(index);
      }
    }),
  );
  return results;
}

/** Print a floor check and remember a miss; the benchmark exits non-zero at the end if any. */
export class Floors {
  private missed: string[] = [];

  check(name: string, ok: boolean, detail: string): void {
    console.log(`${ok ? 'PASS' : 'MISS'}  ${name}: ${detail}`);
    if (!ok) this.missed.push(name);
  }

  /** A figure we aim for but no issue sets as a floor: printed, not failed. */
  goal(name: string, ok: boolean, detail: string): void {
    console.log(`${ok ? 'GOAL MET' : 'GOAL MISSED'}  ${name}: ${detail}`);
  }

  exit(): never {
    process.exit(this.missed.length === 0 ? 0 : 1);
  }
}

/**
 * A TypeScript file of bench/ as its own Node process (through tsx), resolved once it prints
 * `ready` on a line of its stdout (the rest of that line is returned). stderr is inherited.
 */
export async function spawnBenchProcess(
  file: string,
  env: NodeJS.ProcessEnv,
  options: { ready?: string; nodeArgs?: string[]; ipc?: boolean } = {},
): Promise<{ child: ChildProcess; line: string }> {
  const ready = options.ready ?? 'ready';
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', new URL(file, import.meta.url).pathname], {
    env,
    stdio: options.ipc ? ['ignore', 'pipe', 'inherit', 'ipc'] : ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      const at = text.indexOf(ready);
      if (at < 0) return;
      child.stdout!.off('data', onData);
      child.stdout!.resume();
      resolve(
        text
          .slice(at + ready.length)
          .split('\n')[0]!
          .trim(),
      );
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code} before it was ready`)));
  });
  return { child, line };
}

/** Stop a child process and wait for it to be gone. */
export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await gone;
  clearTimeout(timer);
}

/**
 * Delete every Redis key that matches `pattern` (SCAN, not KEYS: other runs share this Redis),
 * except those `keep` says to keep.
 */
export async function deleteKeys(redis: Redis, pattern: string, keep: (key: string) => boolean = () => false): Promise<number> {
  let deleted = 0;
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    const keys = found.filter((key) => !keep(key));
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

/** The load average and how many cores, for the report: other runs may be loading the machine. */
export function machineLine(): string {
  const [one, five] = loadavg();
  return `machine: ${cpus().length} cores, load average ${one!.toFixed(1)} (1 min) ${five!.toFixed(1)} (5 min), node ${process.version}`;
}

/** CPU time (user + system) a process has used so far, in ms, from /proc (Linux). */
export function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of stat(5); the split above starts at field 3.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/**
 * BullMQ's `waitUntilFinished`, bounded: on a loaded machine it has been seen to miss a
 * completion event and wait forever (BullMQ 5.81, once in some thousands of jobs), which
 * would hang a benchmark. After `timeoutMs` the job's stored state decides.
 */
export async function untilFinished(job: Job, events: QueueEvents, timeoutMs = 10_000): Promise<void> {
  try {
    await job.waitUntilFinished(events, timeoutMs);
  } catch (error) {
    if (await job.isCompleted()) return;
    throw error;
  }
}
