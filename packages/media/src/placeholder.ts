import { encode } from 'blurhash';
import sharp from 'sharp';

/** A BlurHash and the size of the picture it stands for, so the browser can reserve the space. */
export interface Placeholder {
  blurhash: string;
  width: number;
  height: number;
}

/**
 * A BlurHash holds at most four cosine components a side, under two cycles across the
 * picture, so a small thumbnail carries all it can show. The encoder pays two cosines and
 * three powers per pixel per component, so the side is a trade: measured on the local
 * engine's pictures (bench/placeholder.ts), 32 px made the placeholder about 1.45× as slow
 * as the decode alone, 24 px about 1.25×, and 24 px hashes decode within a few levels of
 * 32 px ones. Hashing the full frame would cost hundreds of times more.
 */
const THUMBNAIL_SIDE = 24;
/** Components along the long side; the short side gets fewer, in proportion. */
const LONG_SIDE_COMPONENTS = 4;

/** The one decode of a picture, shrunk for hashing, with the size of the source. */
export interface Thumbnail {
  /** RGBA, as BlurHash takes it. */
  pixels: Uint8ClampedArray;
  width: number;
  height: number;
  sourceWidth: number;
  sourceHeight: number;
}

export async function thumbnailOf(image: Buffer): Promise<Thumbnail> {
  const decoder = sharp(image).autoOrient();
  // The header gives the source size without decoding pixels; the one decode happens below.
  const { autoOrient: source } = await decoder.metadata();
  const { data, info } = await decoder
    .resize(THUMBNAIL_SIDE, THUMBNAIL_SIDE, { fit: 'inside' })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    pixels: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length),
    width: info.width,
    height: info.height,
    sourceWidth: source.width,
    sourceHeight: source.height,
  };
}

export async function placeholderOf(image: Buffer): Promise<Placeholder> {
  const thumbnail = await thumbnailOf(image);
  const [componentsX, componentsY] = componentsFor(thumbnail.width, thumbnail.height);
  return {
    blurhash: encode(thumbnail.pixels, thumbnail.width, thumbnail.height, componentsX, componentsY),
    width: thumbnail.sourceWidth,
    height: thumbnail.sourceHeight,
  };
}

function componentsFor(width: number, height: number): [number, number] {
  const shortSide = (ratio: number) => Math.max(2, Math.round(LONG_SIDE_COMPONENTS * ratio));
  return width >= height
    ? [LONG_SIDE_COMPONENTS, shortSide(height / width)]
    : [shortSide(width / height), LONG_SIDE_COMPONENTS];
}
