import sharp from 'sharp';
import type { PreviewImage } from '../types.ts';
import type { PreviewFrame } from './previewFrame.ts';

/** Enough to watch a picture form; ComfyUI's own previews are up to 512 px. */
const PREVIEW_SIDE = 256;

/**
 * A sampling preview as the worker stores it: a small JPEG, sized for the result it previews
 * (or, for a model whose params set no size, its own). A JPEG already that small (latent
 * previews are an eighth of the picture) goes as it came: reading its header costs far less
 * than encoding it again, and every millisecond here is one the person waits for the picture.
 */
export async function samplingPreviewOf(frame: PreviewFrame, result: { width: number; height: number } | undefined): Promise<PreviewImage> {
  if (frame.contentType === 'image/jpeg') {
    const { width, height } = await sharp(frame.data).metadata();
    if (Math.max(width, height) <= PREVIEW_SIDE) return { data: frame.data, contentType: 'image/jpeg', ...(result ?? { width, height }), isSamplingStep: true };
  }
  const { data, info } = await sharp(frame.data)
    .resize(PREVIEW_SIDE, PREVIEW_SIDE, { fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality: 75 })
    .toBuffer({ resolveWithObject: true });
  return { data, contentType: 'image/jpeg', ...(result ?? { width: info.width, height: info.height }), isSamplingStep: true };
}
