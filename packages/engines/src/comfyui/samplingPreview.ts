import sharp from 'sharp';
import type { PreviewImage } from '../types.ts';
import type { PreviewFrame } from './previewFrame.ts';

/** Enough to watch a picture form; ComfyUI's own previews are up to 512 px. */
const PREVIEW_SIDE = 256;

/**
 * A sampling preview as the worker stores it: a small JPEG, sized for the result it previews.
 * A JPEG already that small (latent previews are an eighth of the picture) goes as it came:
 * reading its header costs far less than encoding it again, and every millisecond here is
 * one the person waits for the picture.
 */
export async function samplingPreviewOf(frame: PreviewFrame, width: number, height: number): Promise<PreviewImage> {
  const preview = { contentType: 'image/jpeg' as const, width, height, isSamplingStep: true };
  if (frame.contentType === 'image/jpeg') {
    const size = await sharp(frame.data).metadata();
    if (Math.max(size.width, size.height) <= PREVIEW_SIDE) return { ...preview, data: frame.data };
  }
  const data = await sharp(frame.data).resize(PREVIEW_SIDE, PREVIEW_SIDE, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 75 }).toBuffer();
  return { ...preview, data };
}
