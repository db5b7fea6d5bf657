import type { ChildProcess } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { writeHeapSnapshot } from 'node:v8';

/**
 * For a bench child started with `--expose-gc` and an IPC channel: on `{ type: 'memory' }`,
 * collect garbage and answer with `process.memoryUsage()` and whatever `extra()` adds; on
 * `{ type: 'heapsnapshot', path }`, write a heap snapshot there (for finding what a stream holds);
 * on `{ type: 'eventLoopDelay' }`, answer the event loop's delay p99 and max (ms) since the last ask.
 */
export function answerMemoryRequests(extra: () => Record<string, number> = () => ({})): void {
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  process.on('message', (message: { type?: string; path?: string }) => {
    if (message?.type === 'eventLoopDelay') {
      // Since the last ask: how long timers were held up, i.e. the longest stall of this process.
      process.send!({ type: 'eventLoopDelay', p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 });
      loopDelay.reset();
      return;
    }
    if (message?.type === 'heapsnapshot') {
      writeHeapSnapshot(message.path);
      process.send!({ type: 'heapsnapshot' });
      return;
    }
    if (message?.type !== 'memory') return;
    const gc = (globalThis as { gc?: () => void }).gc;
    if (!gc) throw new Error('start this process with --expose-gc');
    // Twice: the first pass can leave work (weak callbacks, finalizers) for the second.
    gc();
    gc();
    process.send!({ type: 'memory', ...process.memoryUsage(), ...extra() });
  });
}

export interface MemoryReport {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  [key: string]: number | string;
}

/** Ask a child (see answerMemoryRequests) for its memory. */
export function memoryOf(child: ChildProcess): Promise<MemoryReport> {
  return new Promise((resolve) => {
    const onMessage = (message: MemoryReport) => {
      if (message?.type !== 'memory') return;
      child.off('message', onMessage);
      resolve(message);
    };
    child.on('message', onMessage);
    child.send({ type: 'memory' });
  });
}

/** Ask a child (see answerMemoryRequests) how long its event loop was held up since the last ask. */
export function eventLoopDelayOf(child: ChildProcess): Promise<{ p99: number; max: number }> {
  return new Promise((resolve) => {
    const onMessage = (message: { type?: string; p99: number; max: number }) => {
      if (message?.type !== 'eventLoopDelay') return;
      child.off('message', onMessage);
      resolve(message);
    };
    child.on('message', onMessage);
    child.send({ type: 'eventLoopDelay' });
  });
}
