import { RGB_CHANNELS, type RgbPicture } from './rgbPicture.ts';
import type { Region, Tile } from './tilePlan.ts';

/** Copies a region out of a picture, as a picture of its own. */
export function cutRegion(picture: RgbPicture, region: Region): RgbPicture {
  const data = new Uint8Array(region.width * region.height * RGB_CHANNELS);
  const rowBytes = region.width * RGB_CHANNELS;
  for (let row = 0; row < region.height; row++) {
    const from = ((region.y + row) * picture.width + region.x) * RGB_CHANNELS;
    data.set(picture.data.subarray(from, from + rowBytes), row * rowBytes);
  }
  return { data, width: region.width, height: region.height };
}

/** Writes the core of an upscaled tile (its context cropped away) into the upscaled picture. */
export function pasteCore(target: RgbPicture, upscaled: RgbPicture, tile: Tile, scale: number): void {
  const { core, context } = tile;
  const offsetX = (core.x - context.x) * scale;
  const offsetY = (core.y - context.y) * scale;
  const rowBytes = core.width * scale * RGB_CHANNELS;
  for (let row = 0; row < core.height * scale; row++) {
    const from = ((offsetY + row) * upscaled.width + offsetX) * RGB_CHANNELS;
    const to = ((core.y * scale + row) * target.width + core.x * scale) * RGB_CHANNELS;
    target.data.set(upscaled.data.subarray(from, from + rowBytes), to);
  }
}
