import sharp from 'sharp';
import type { InputPicture } from './inputPicture.ts';
import { RGB_CHANNELS, type RgbPicture } from './rgbPicture.ts';

/** The upscaled picture as a PNG, with the input's transparency scaled by lanczos3 where it had any. */
export async function encodeUpscaled(output: RgbPicture, input: InputPicture): Promise<Buffer> {
  const picture = sharp(output.data, { raw: { width: output.width, height: output.height, channels: RGB_CHANNELS } });
  if (!input.alphaSource) return picture.png().toBuffer();
  const alpha = await sharp(input.alphaSource)
    .extractChannel('alpha')
    .resize(output.width, output.height, { kernel: 'lanczos3', fit: 'fill' })
    .raw()
    .toBuffer();
  return picture
    .joinChannel(alpha, { raw: { width: output.width, height: output.height, channels: 1 } })
    .png()
    .toBuffer();
}
