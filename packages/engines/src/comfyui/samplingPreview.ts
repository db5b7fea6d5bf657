import sharp from 'sharp';
import type { PreviewImage } from '../types.ts';
import type { PreviewFrame } from './previewFrame.ts';

/** Enough to watch a picture form; ComfyUI's own previews are up to 512 px. */
const PREVIEW_SIDE = 256;

/** A sampling preview as the worker stores it: a small JPEG, sized for the result it previews. */
export async function samplingPreviewOf(frame: PreviewFrame, width: number, height: number): Promise<PreviewImage> {
  const data = await sharp(frame.data).resize(PREVIEW_SIDE, PREVIEW_SIDE, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 75 }).toBuffer();
  return { data, contentType: 'image/jpeg', width, height, isSamplingStep: true };
}
