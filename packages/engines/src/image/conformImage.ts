import sharp from 'sharp';
import { JobError } from '@atelier/contracts';

/**
 * Providers draw at the few sizes they support; the job asked for its own. Scale the
 * provider's picture to cover the asked size, crop the centre, and encode it as PNG.
 */
export async function conformImage(data: Buffer, width: number, height: number): Promise<Buffer> {
  try {
    return await sharp(data).resize(width, height, { fit: 'cover' }).png().toBuffer();
  } catch (error) {
    throw new JobError('invalid_output', `The provider's image does not decode: ${(error as Error).message}`, { cause: error });
  }
}
