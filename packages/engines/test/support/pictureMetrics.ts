import sharp from 'sharp';

export interface RawRgb {
  data: Buffer;
  width: number;
  height: number;
}

export async function rawRgbOf(image: Buffer): Promise<RawRgb> {
  const { data, info } = await sharp(image).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Peak signal-to-noise ratio in dB of `picture` against `reference`: higher is closer. */
export function psnr(reference: RawRgb, picture: RawRgb): number {
  let squares = 0;
  for (let index = 0; index < reference.data.length; index++) squares += (reference.data[index]! - picture.data[index]!) ** 2;
  return 10 * Math.log10((255 * 255) / (squares / reference.data.length));
}

/** Edge energy: the mean gradient magnitude over every pixel and channel. Blur lowers it. */
export function edgeEnergy({ data, width, height }: RawRgb): number {
  let sum = 0;
  for (let y = 0; y < height - 1; y++) {
    for (let x = 0; x < width - 1; x++) {
      for (let channel = 0; channel < 3; channel++) {
        const at = (y * width + x) * 3 + channel;
        sum += Math.hypot(data[at + 3]! - data[at]!, data[at + width * 3]! - data[at]!);
      }
    }
  }
  return sum / ((width - 1) * (height - 1) * 3);
}

/** The largest and the mean absolute difference between two pictures of one size. */
export function differenceOf(a: RawRgb, b: RawRgb): { max: number; mean: number } {
  let max = 0;
  let sum = 0;
  for (let index = 0; index < a.data.length; index++) {
    const difference = Math.abs(a.data[index]! - b.data[index]!);
    sum += difference;
    if (difference > max) max = difference;
  }
  return { max, mean: sum / a.data.length };
}
