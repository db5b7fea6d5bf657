/**
 * The upscaler's baseline: the same ESRGAN weights on the same tfjs wasm backend, in this
 * process, over the same tiles the engine cuts, with nothing around it (no decode or encode,
 * no threads, no progress or preview).
 */
import { type EsrganModel, loadEsrganModel } from '../../packages/engines/src/upscale/esrganModel.ts';
import type { EsrganScale } from '../../packages/engines/src/upscale/esrganScale.ts';
import { RGB_CHANNELS, type RgbPicture } from '../../packages/engines/src/upscale/rgbPicture.ts';
import { cutRegion, pasteCore } from '../../packages/engines/src/upscale/tilePixels.ts';
import { planTiles } from '../../packages/engines/src/upscale/tilePlan.ts';

export async function loadBareEsrgan(scale: EsrganScale, tileSide: number, overlap: number): Promise<(picture: RgbPicture) => RgbPicture> {
  const model: EsrganModel = await loadEsrganModel(scale);
  return (picture) => {
    const output = {
      data: new Uint8Array(picture.width * scale * picture.height * scale * RGB_CHANNELS),
      width: picture.width * scale,
      height: picture.height * scale,
    };
    for (const tile of planTiles(picture.width, picture.height, tileSide, overlap).flat()) {
      pasteCore(output, model(cutRegion(picture, tile.context)), tile, scale);
    }
    return output;
  };
}
