import { seededRandom } from '../seededRandom.ts';
import type { Engine } from '../types.ts';
import { solidPng } from './solidPng.ts';

const SIDE = 8;

/**
 * A valid 8×8 PNG of one colour drawn from the prompt and seed, at once: for benchmarks of
 * everything around the engine. It ignores the requested size, and says so in the file's size.
 */
export function createInstantImageEngine(): Engine<'image'> {
  return {
    kind: 'image',
    name: 'instant',
    async generate({ prompt, params }, ctx) {
      ctx.signal.throwIfAborted();
      const random = seededRandom('instant', prompt, params.seed ?? 0);
      const background = { r: Math.floor(random() * 256), g: Math.floor(random() * 256), b: Math.floor(random() * 256) };
      const data = solidPng(SIDE, SIDE, background);
      ctx.progress(100, 'done');
      return [{ role: 'output', data, contentType: 'image/png', extension: 'png', width: SIDE, height: SIDE }];
    },
  };
}
