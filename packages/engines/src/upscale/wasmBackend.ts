import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

let started: Promise<void> | undefined;

/**
 * Puts tfjs on its WebAssembly backend, once per thread, with the binaries from node_modules
 * (its default is a CDN). Single-threaded on purpose: parallelism comes from our pool of
 * worker threads, one prediction each, so that N threads means N cores and no more.
 */
export function startWasmBackend(): Promise<void> {
  started ??= (async () => {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    setWasmPaths(`${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`);
    if (!(await tf.setBackend('wasm'))) throw new Error('tfjs could not start its wasm backend');
  })();
  return started;
}
