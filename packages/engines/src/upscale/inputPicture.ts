import sharp from 'sharp';
import { JobError } from '@atelier/contracts';
import { RGB_CHANNELS, type RgbPicture } from './rgbPicture.ts';

export interface InputPicture {
  rgb: RgbPicture;
  /** The source file, kept when it has transparency: ESRGAN sees colour only, so alpha is scaled apart. */
  alphaSource?: Buffer;
}

/** Decodes the input image to sRGB pixels; a file sharp cannot read is the job's fault, not a retry's. */
export async function decodeInputPicture(file: Buffer): Promise<InputPicture> {
  try {
    const decoded = sharp(file);
    const { hasAlpha } = await decoded.metadata();
    const { data, info } = await decoded.removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== RGB_CHANNELS) throw new Error(`decoded to ${info.channels} channels`);
    const rgb = { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
    return hasAlpha ? { rgb, alphaSource: file } : { rgb };
  } catch (error) {
    throw new JobError('validation_failed', 'The input image could not be decoded.', { cause: error });
  }
}
