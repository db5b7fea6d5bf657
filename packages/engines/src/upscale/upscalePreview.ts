import sharp from 'sharp';
import type { PreviewImage } from '../types.ts';
import { RGB_CHANNELS, type RgbPicture } from './rgbPicture.ts';

/** Enough for a BlurHash and a first look; the worker makes the BlurHash from it. */
const PREVIEW_SIDE = 256;

/**
 * The whole picture at preview size: the upscaled rows finished so far on top of the input
 * scaled up plainly, so that the placeholder has the final picture's layout and colours.
 */
export async function upscalePreview(input: RgbPicture, output: RgbPicture, finishedRows: number): Promise<PreviewImage> {
  const ratio = Math.min(1, PREVIEW_SIDE / Math.max(output.width, output.height));
  const width = Math.max(1, Math.round(output.width * ratio));
  const height = Math.max(1, Math.round(output.height * ratio));
  const stripHeight = Math.max(1, Math.round(finishedRows * ratio));
  const raw = (picture: RgbPicture) => ({ raw: { width: picture.width, height: picture.height, channels: RGB_CHANNELS } as const });
  const finished = output.data.subarray(0, finishedRows * output.width * RGB_CHANNELS);
  const strip = await sharp(finished, { raw: { width: output.width, height: finishedRows, channels: RGB_CHANNELS } })
    .resize(width, stripHeight, { fit: 'fill' })
    .png()
    .toBuffer();
  const data = await sharp(input.data, raw(input))
    .resize(width, height, { fit: 'fill' })
    .composite([{ input: strip, top: 0, left: 0 }])
    .png()
    .toBuffer();
  return { data, contentType: 'image/png', width: output.width, height: output.height };
}
