import type { ChildProcess } from 'node:child_process';
import { writeHeapSnapshot } from 'node:v8';

/**
 * For a bench child started with `--expose-gc` and an IPC channel: on `{ type: 'memory' }`,
 * collect garbage and answer with `process.memoryUsage()` and whatever `extra()` adds; on
 * `{ type: 'heapsnapshot', path }`, write a heap snapshot there (for finding what a stream holds).
 */
export function answerMemoryRequests(extra: () => Record<string, number> = () => ({})): void {
  process.on('message', (message: { type?: string; path?: string }) => {
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
