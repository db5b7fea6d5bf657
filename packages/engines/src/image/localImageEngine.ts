import { setImmediate as nextTurn } from 'node:timers/promises';
import sharp from 'sharp';
import type { Engine, PreviewImage } from '../types.ts';
import { createCanvas, toRgb8, type Canvas } from './canvas.ts';
import { addGrain, grainOctaves } from './grain.ts';
import { octaveShares } from './octaveShares.ts';
import { createPainter } from './painter.ts';
import { sceneOf } from './scene.ts';
import { addNoiseOctave } from './valueNoise.ts';

/** Enough for a BlurHash, which is all the first preview is for. */
const PREVIEW_SIDE = 32;
/**
 * The coarsest grain octaves (cells a third and a sixth of the long side) shade whole ridges:
 * they belong to the layout, so a grain seed redraws only the finer ones.
 */
const LAYOUT_OCTAVES = 2;
/** Refining takes this share of the progress bar; encoding the PNG the rest. */
const REFINING_PERCENT = 95;

/**
 * Paints a landscape from the prompt (its colours, land, water, light) and the seed (its
 * layout), coarse to fine as a diffusion model denoises: step 1 lays out sky, sun, ridges and
 * water and adds the coarsest grain; each later step adds the next finer octaves of detail.
 * The same prompt, seed and params give the same bytes. A `grainSeed` changes the fine
 * grain alone, keeping the seed's layout: a subtle variation.
 */
export function createLocalImageEngine(): Engine<'image'> {
  return {
    kind: 'image',
    name: 'local',
    async generate({ prompt, params }, ctx) {
      const { width, height, steps } = params;
      ctx.signal.throwIfAborted();
      // The API always sets a seed; a caller that does not still gets a repeatable picture.
      const scene = sceneOf(prompt, params.seed ?? 0);
      const grainKey = params.grainSeed === undefined ? scene.seed : `${scene.seed}\u0000grain\u0000${params.grainSeed}`;
      const seedOfOctave = (octave: number) => (octave < LAYOUT_OCTAVES ? scene.seed : grainKey);
      const painter = createPainter(scene, width, height);
      const canvas = createCanvas(width, height);
      // Setting up the scene and painting it are each a few hundred ms at 1024 px on a loaded machine: not in one turn.
      await nextTurn();
      painter.paint(canvas, 0);

      const octaves = grainOctaves(width, height);
      const grainLayers = painter.grainAt(0);
      // One column more than the canvas: addGrain reads a pixel's right neighbour.
      const fieldWidth = width + 1;
      const field = new Float32Array(fieldWidth * height);
      for (let step = 1; step <= steps; step++) {
        field.fill(0);
        for (const { octave, share } of octaveShares(octaves.length, steps, step)) {
          const { cellWidth, cellHeight, weight } = octaves[octave]!;
          addNoiseOctave(field, fieldWidth, height, { cellWidth, cellHeight, weight: weight * share }, seedOfOctave(octave), octave);
        }
        addGrain(canvas, field, fieldWidth, grainLayers);
        ctx.progress(Math.round((step / steps) * REFINING_PERCENT), 'refining');
        if (step === 1) await ctx.preview(await previewOf(canvas));
        // Let a cancel or a timeout land between steps.
        await nextTurn();
        ctx.signal.throwIfAborted();
      }

      const png = await sharp(toRgb8(canvas), { raw: { width, height, channels: 3 } })
        .png()
        .toBuffer();
      ctx.progress(100, 'encoded');
      return [{ role: 'output', data: png, contentType: 'image/png', extension: 'png', width, height }];
    },
  };
}

async function previewOf(canvas: Canvas): Promise<PreviewImage> {
  const { width, height } = canvas;
  const data = await sharp(toRgb8(canvas), { raw: { width, height, channels: 3 } })
    .resize(PREVIEW_SIDE, PREVIEW_SIDE, { fit: 'inside' })
    .png()
    .toBuffer();
  return { data, contentType: 'image/png', width, height };
}
