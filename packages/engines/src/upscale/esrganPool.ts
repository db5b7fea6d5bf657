import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { JobError } from '@atelier/contracts';
import type { EsrganScale } from './esrganScale.ts';
import type { RgbPicture } from './rgbPicture.ts';
import type { TileReply, TileRequest } from './threadMessages.ts';

export interface EsrganPoolOptions {
  /** Worker threads, each running one prediction at a time. Default: one per core. */
  threads?: number;
}

/** Threads that run ESRGAN off the event loop, shared by the ×2 and ×4 engines. */
export interface EsrganPool {
  readonly threads: number;
  /** Upscales one tile on the next free thread. */
  upscale(scale: EsrganScale, picture: RgbPicture): Promise<RgbPicture>;
  /** Ends the threads; a tile in flight rejects. */
  close(): Promise<void>;
}

interface Task {
  request: TileRequest;
  resolve(picture: RgbPicture): void;
  reject(error: unknown): void;
}

interface Thread {
  worker: Worker;
  task?: Task;
}

/**
 * Threads start on the first tile (a process that never upscales pays nothing) and load each
 * scale's weights on its first tile of that scale. An idle thread is unref'ed, so that the pool
 * alone never keeps a process alive.
 */
export function createEsrganPool(options: EsrganPoolOptions = {}): EsrganPool {
  const size = options.threads ?? availableParallelism();
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`An ESRGAN pool needs a whole number of threads, at least 1, not ${size}`);
  const idle: Thread[] = [];
  const all = new Set<Thread>();
  const waiting: Task[] = [];
  let nextId = 0;

  const spawn = (): Thread => {
    const thread: Thread = { worker: new Worker(new URL('./esrganThreadEntry.js', import.meta.url)) };
    thread.worker.unref();
    thread.worker.on('message', (reply: TileReply) => finish(thread, reply));
    thread.worker.on('error', (error) => lose(thread, error));
    thread.worker.on('exit', (code) => lose(thread, new Error(`an ESRGAN thread exited with code ${code}`)));
    all.add(thread);
    return thread;
  };

  const assign = (thread: Thread, task: Task) => {
    thread.task = task;
    thread.worker.ref();
    // The tile was cut for this request alone: hand its bytes over rather than copy them.
    thread.worker.postMessage(task.request, [task.request.picture.data.buffer as ArrayBuffer]);
  };

  const finish = (thread: Thread, reply: TileReply) => {
    const task = thread.task;
    thread.task = undefined;
    thread.worker.unref();
    const next = waiting.shift();
    if (next) assign(thread, next);
    else idle.push(thread);
    if (!task) return;
    // The same tile would fail again: the job must not spend its retries on it.
    if ('error' in reply) task.reject(new JobError('engine_failed', `ESRGAN failed on a tile: ${reply.error}`));
    else task.resolve(reply.picture);
  };

  // A thread that dies (out of memory, killed) takes its tile with it; the job may retry.
  const lose = (thread: Thread, error: Error) => {
    if (!all.delete(thread)) return;
    const idleAt = idle.indexOf(thread);
    if (idleAt >= 0) idle.splice(idleAt, 1);
    thread.task?.reject(new JobError('engine_failed', `An ESRGAN thread stopped: ${error.message}`, { retryable: true, cause: error }));
    const next = waiting.shift();
    if (next) assign(spawn(), next);
  };

  return {
    threads: size,
    upscale(scale, picture) {
      return new Promise<RgbPicture>((resolve, reject) => {
        const task: Task = { request: { id: nextId++, scale, picture }, resolve, reject };
        const thread = idle.pop() ?? (all.size < size ? spawn() : undefined);
        if (thread) assign(thread, task);
        else waiting.push(task);
      });
    },
    async close() {
      const threads = [...all];
      all.clear();
      idle.length = 0;
      for (const task of waiting.splice(0)) task.reject(new JobError('engine_failed', 'The ESRGAN pool was closed.', { retryable: true }));
      for (const thread of threads) thread.task?.reject(new JobError('engine_failed', 'The ESRGAN pool was closed.', { retryable: true }));
      await Promise.all(threads.map((thread) => thread.worker.terminate()));
    },
  };
}
