import { encode } from 'blurhash';
import sharp from 'sharp';

/** A BlurHash and the size of the picture it stands for, so the browser can reserve the space. */
export interface Placeholder {
  blurhash: string;
  width: number;
  height: number;
}

/**
 * A BlurHash holds only a few cosine components, so a 32-pixel thumbnail carries all it can
 * show; hashing the full frame would cost hundreds of times more for the same string.
 */
const THUMBNAIL_SIDE = 32;
/** Components along the long side; the short side gets fewer, in proportion. */
const LONG_SIDE_COMPONENTS = 4;

export async function placeholderOf(image: Buffer): Promise<Placeholder> {
  const decoder = sharp(image).autoOrient();
  // The header gives the source size without decoding pixels; the one decode happens below.
  const { autoOrient: source } = await decoder.metadata();
  const { data, info } = await decoder
    .resize(THUMBNAIL_SIDE, THUMBNAIL_SIDE, { fit: 'inside' })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const [componentsX, componentsY] = componentsFor(info.width, info.height);
  const pixels = new Uint8ClampedArray(data.buffer, data.byteOffset, data.length);
  return { blurhash: encode(pixels, info.width, info.height, componentsX, componentsY), width: source.width, height: source.height };
}

function componentsFor(width: number, height: number): [number, number] {
  const shortSide = (ratio: number) => Math.max(2, Math.round(LONG_SIDE_COMPONENTS * ratio));
  return width >= height
    ? [LONG_SIDE_COMPONENTS, shortSide(height / width)]
    : [shortSide(width / height), LONG_SIDE_COMPONENTS];
}
