import { assertOutputFits, JobError } from '@atelier/contracts';
import { progressReporter } from '../progressReporter.ts';
import type { Engine } from '../types.ts';
import { encodeUpscaled } from './encodeUpscaled.ts';
import type { EsrganPool } from './esrganPool.ts';
import type { EsrganScale } from './esrganScale.ts';
import { decodeInputPicture } from './inputPicture.ts';

import { upscaleInTiles } from './upscaleInTiles.ts';
import { upscalePreview } from './upscalePreview.ts';

export interface EsrganEngineOptions {
  scale: EsrganScale;
  pool: EsrganPool;
  /** Input pixels a tile answers for, per side. */
  tileSide?: number;
}

/** Large enough that the overlap costs little, small enough for steady progress and a prompt cancel. */
export const DEFAULT_TILE_SIDE = 128;
/**
 * The slim ESRGAN's reach in input pixels: seven 3×3 convolutions and one 5×5 before the
 * upsampling (9 px), one 3×3 after it (one output pixel, under one input pixel). A tile's
 * context this wide makes its core what a whole-picture run would give.
 */
export const OVERLAP = 10;
/** Predicting takes this share of the progress bar; encoding the PNG the rest. */
const PREDICTING_PERCENT = 95;

/**
 * ESRGAN (the slim weights of @upscalerjs/esrgan-slim) on the CPU: the input image is cut
 * into overlapping tiles, each upscaled on the pool's threads, the first finished row sent as
 * a preview, and a cancel honoured between tiles. Output at most 4096 px a side.
 */
export function createEsrganEngine({ scale, pool, tileSide = DEFAULT_TILE_SIDE }: EsrganEngineOptions): Engine<'image'> {
  return {
    kind: 'image',
    name: `esrgan-x${scale}`,
    async generate({ inputs }, ctx) {
      ctx.signal.throwIfAborted();
      const image = inputs?.image;
      if (!image) throw new JobError('validation_failed', 'The upscaler needs an input image.');
      assertOutputFits(image.width, image.height, scale);
      const input = await decodeInputPicture(image.data);
      const { rgb } = input;
      assertOutputFits(rgb.width, rgb.height, scale);

      const report = progressReporter(ctx.progress);
      const output = await upscaleInTiles({
        picture: rgb,
        scale,
        pool,
        tileSide,
        overlap: OVERLAP,
        signal: ctx.signal,
        onTile: (done, total) => report((done / total) * PREDICTING_PERCENT, 'upscaling'),
        onFirstRow: async (upscaled, rows) => ctx.preview(await upscalePreview(rgb, upscaled, rows)),
      });
      ctx.signal.throwIfAborted();

      const png = await encodeUpscaled(output, input);
      report(100, 'encoded');
      return [{ role: 'output', data: png, contentType: 'image/png', extension: 'png', width: output.width, height: output.height }];
    },
  };
}
