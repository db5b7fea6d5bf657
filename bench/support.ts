/** Shared by the benchmarks: percentiles and a plain report line. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export const median = (values: number[]) => percentile(values, 50);

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

  exit(): never {
    process.exit(this.missed.length === 0 ? 0 : 1);
  }
}
