import { imageSize } from 'image-size';
import sharp from 'sharp';
import { encodeBlurhash } from './blurhashEncoder.ts';

/** A BlurHash and the size of the picture it stands for, so the browser can reserve the space. */
export interface Placeholder {
  blurhash: string;
  width: number;
  height: number;
}

/**
 * A BlurHash holds at most four cosine components a side, under two cycles across the
 * picture, so a small thumbnail carries all it can show: 24 px hashes decode within a few
 * levels of 32 px ones. A smaller picture is hashed as it is; enlarging it adds nothing.
 */
const THUMBNAIL_SIDE = 24;
/** Components along the long side; the short side gets fewer, in proportion. */
const LONG_SIDE_COMPONENTS = 4;

/** The one decode of a picture, shrunk for hashing, with the format and size of the source. */
export interface Thumbnail {
  /** As sharp names it: `png`, `jpeg`, … (image-size's `jpg` is `jpeg` here). */
  format: string;
  /** sRGB, row by row: RGB, or RGBA when the picture has alpha. */
  pixels: Uint8ClampedArray;
  channels: 3 | 4;
  width: number;
  height: number;
  sourceWidth: number;
  sourceHeight: number;
}

/** EXIF orientations 5–8 turn the picture a quarter: its width is the stored height. */
const turnsQuarter = (orientation: number | undefined) => orientation !== undefined && orientation >= 5;

/**
 * Shrinking reads every pixel of the source, so a truncated or corrupt picture fails here
 * (sharp's default `failOn: 'warning'`): the same call validates the file. The format and
 * the source's size come from its header, read in place (image-size): asking sharp for them
 * too would be a second trip to its threads for each picture.
 */
export async function thumbnailOf(image: Buffer): Promise<Thumbnail> {
  const header = imageSize(image);
  const { data, info } = await sharp(image)
    .autoOrient()
    .resize(THUMBNAIL_SIDE, THUMBNAIL_SIDE, { fit: 'inside', withoutEnlargement: true })
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const turned = turnsQuarter(header.orientation);
  return {
    format: header.type === 'jpg' ? 'jpeg' : (header.type ?? 'unknown'),
    pixels: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length),
    // sRGB has three colours, and alpha is kept when the picture has it.
    channels: info.channels as 3 | 4,
    width: info.width,
    height: info.height,
    sourceWidth: turned ? header.height : header.width,
    sourceHeight: turned ? header.width : header.height,
  };
}

export async function placeholderOf(image: Buffer): Promise<Placeholder> {
  return placeholderFrom(await thumbnailOf(image));
}

export function placeholderFrom(thumbnail: Thumbnail): Placeholder {
  const [componentsX, componentsY] = componentsFor(thumbnail.width, thumbnail.height);
  return {
    blurhash: encodeBlurhash(thumbnail.pixels, thumbnail.width, thumbnail.height, componentsX, componentsY, thumbnail.channels),
    width: thumbnail.sourceWidth,
    height: thumbnail.sourceHeight,
  };
}

function componentsFor(width: number, height: number): [number, number] {
  const shortSide = (ratio: number) => Math.max(2, Math.round(LONG_SIDE_COMPONENTS * ratio));
  return width >= height ? [LONG_SIDE_COMPONENTS, shortSide(height / width)] : [shortSide(width / height), LONG_SIDE_COMPONENTS];
}
