import { imageSize } from 'image-size';
import sharp, { type OutputInfo } from 'sharp';
import { AppError, isUploadFormat, uploadLimits, type UploadFormat } from '@atelier/contracts';
import { placeholderOf } from './placeholder.ts';

/** A person's picture, as it is kept: upright, without metadata, in the format it came in. */
export interface NormalizedUpload {
  data: Buffer;
  format: UploadFormat;
  contentType: string;
  extension: string;
  width: number;
  height: number;
  blurhash: string;
}

const extensions: Record<UploadFormat, string> = { png: 'png', jpeg: 'jpg', webp: 'webp' };

/** The format and size the file's own header claims, read without decoding a pixel. */
function headerOf(data: Buffer): { format: UploadFormat; width: number; height: number } {
  let header: ReturnType<typeof imageSize>;
  try {
    header = imageSize(data);
  } catch {
    // image-size throws on every byte stream it does not recognise as a picture (HTML, text, a zip).
    throw new AppError('upload_not_image');
  }
  const format = header.type === 'jpg' ? 'jpeg' : (header.type ?? '');
  // SVG is refused on purpose: it is a document that can carry scripts, not pixels.
  if (!isUploadFormat(format)) throw new AppError('upload_not_image', `A ${format || 'file of unknown type'} is not a PNG, JPEG or WebP picture.`);
  return { format, width: header.width, height: header.height };
}

/**
 * Decodes a whole uploaded picture before anything is kept: the header's size is checked first
 * (a small file that claims 30000×30000 is refused without decoding it), then every pixel is
 * read (sharp's `failOn: 'warning'` refuses a truncated file), the picture is turned upright
 * from its EXIF orientation and encoded again, which leaves its metadata behind.
 */
export async function normalizeUpload(data: Buffer): Promise<NormalizedUpload> {
  const header = headerOf(data);
  const { maxSide } = uploadLimits;
  if (header.width > maxSide || header.height > maxSide) {
    throw new AppError('image_too_large', `The picture is ${header.width}×${header.height}; at most ${maxSide}×${maxSide} is kept.`);
  }
  let encoded: { data: Buffer; info: OutputInfo };
  try {
    const pipeline = sharp(data, { failOn: 'warning', limitInputPixels: maxSide * maxSide }).autoOrient();
    const reencoded = header.format === 'png' ? pipeline.png() : header.format === 'jpeg' ? pipeline.jpeg({ quality: 92 }) : pipeline.webp({ quality: 92 });
    encoded = await reencoded.toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw new AppError('upload_corrupt', `The picture could not be decoded: ${(error as Error).message}.`);
  }
  const { blurhash } = await placeholderOf(encoded.data);
  return {
    data: encoded.data,
    format: header.format,
    contentType: uploadLimits.formats[header.format],
    extension: extensions[header.format],
    width: encoded.info.width,
    height: encoded.info.height,
    blurhash,
  };
}
