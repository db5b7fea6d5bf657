import type { EsrganScale } from './esrganScale.ts';
import type { RgbPicture } from './rgbPicture.ts';

/** What the pool sends a thread: one tile to upscale. */
export interface TileRequest {
  id: number;
  scale: EsrganScale;
  picture: RgbPicture;
}

/** What a thread answers: the upscaled tile, or why it could not. */
export type TileReply = { id: number; picture: RgbPicture } | { id: number; error: string };
