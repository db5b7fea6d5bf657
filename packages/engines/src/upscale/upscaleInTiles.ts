import type { EsrganPool } from './esrganPool.ts';
import type { EsrganScale } from './esrganScale.ts';
import { RGB_CHANNELS, type RgbPicture } from './rgbPicture.ts';
import { cutRegion, pasteCore } from './tilePixels.ts';
import { planTiles } from './tilePlan.ts';

export interface TiledUpscale {
  picture: RgbPicture;
  scale: EsrganScale;
  pool: EsrganPool;
  tileSide: number;
  overlap: number;
  signal: AbortSignal;
  /** After each tile, with how many of how many are done. */
  onTile(done: number, total: number): void;
  /** Awaited, once: the first row of tiles is in `output`, its top `rows` rows. */
  onFirstRow(output: RgbPicture, rows: number): Promise<void>;
}

/**
 * Upscales a picture tile by tile on the pool, with one lane per thread so that every thread
 * is busy. Each lane looks at the signal before it hands out a tile and when one comes back,
 * so a cancel lands between tiles; a failed lane stops the others.
 */
export async function upscaleInTiles({ picture, scale, pool, tileSide, overlap, signal, onTile, onFirstRow }: TiledUpscale): Promise<RgbPicture> {
  const output = {
    data: new Uint8Array(picture.width * scale * picture.height * scale * RGB_CHANNELS),
    width: picture.width * scale,
    height: picture.height * scale,
  };
  const rows = planTiles(picture.width, picture.height, tileSide, overlap);
  const tiles = rows.flat();
  let unfinishedInFirstRow = rows[0]!.length;
  let next = 0;
  let done = 0;
  let failed = false;

  const lane = async () => {
    try {
      while (!failed && next < tiles.length) {
        signal.throwIfAborted();
        const tile = tiles[next++]!;
        const upscaled = await pool.upscale(scale, cutRegion(picture, tile.context));
        // A tile that comes back after a cancel is dropped, and reported to no one.
        signal.throwIfAborted();
        pasteCore(output, upscaled, tile, scale);
        onTile(++done, tiles.length);
        if (tile.row === 0 && --unfinishedInFirstRow === 0) await onFirstRow(output, tile.core.height * scale);
      }
    } catch (error) {
      failed = true;
      throw error;
    }
  };
  await Promise.all(Array.from({ length: Math.min(pool.threads, tiles.length) }, lane));
  return output;
}
