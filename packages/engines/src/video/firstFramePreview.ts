import sharp from 'sharp';
import type { EngineContext } from '../types.ts';

const FIRST_FRAME_QUALITY = 90;

/** Hands frame 0 (packed RGB) over as a JPEG before the rest is rendered; the JPEG is the film's poster too. */
export async function previewFirstFrame(frame: Buffer, width: number, height: number, ctx: EngineContext): Promise<Buffer> {
  const jpeg = await sharp(frame, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: FIRST_FRAME_QUALITY })
    .toBuffer();
  await ctx.preview({ data: jpeg, contentType: 'image/jpeg', width, height, isFirstFrame: true });
  return jpeg;
}
