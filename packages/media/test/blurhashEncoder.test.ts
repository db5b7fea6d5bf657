import { encode } from 'blurhash';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { encodeBlurhash } from '../src/blurhashEncoder.ts';

/** A deterministic generator, so a failure names a picture that can be made again. */
function randomPixels(seed: number, width: number, height: number): Uint8ClampedArray {
  let state = seed >>> 0 || 1;
  const pixels = new Uint8ClampedArray(width * height * 4);
  for (let index = 0; index < pixels.length; index++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    pixels[index] = state & 255;
  }
  return pixels;
}

describe('encodeBlurhash', () => {
  it('returns the blurhash package’s string for random pictures of every size and component count', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const width = 1 + (seed % 32);
      const height = 1 + ((seed * 7) % 29);
      const componentsX = 1 + (seed % 9);
      const componentsY = 1 + ((seed * 5) % 9);
      const pixels = randomPixels(seed, width, height);
      expect(encodeBlurhash(pixels, width, height, componentsX, componentsY), `seed ${seed}`).toBe(encode(pixels, width, height, componentsX, componentsY));
    }
  });

  it('returns the package’s string for thumbnails of decoded pictures, noisy and flat', async () => {
    const sources = await Promise.all([
      ...[20, 60, 120].map((sigma) =>
        sharp({ create: { width: 256, height: 192, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma } } })
          .png()
          .toBuffer(),
      ),
      sharp({ create: { width: 40, height: 40, channels: 3, background: { r: 0, g: 0, b: 0 } } })
        .png()
        .toBuffer(),
      sharp({ create: { width: 40, height: 40, channels: 3, background: { r: 255, g: 255, b: 255 } } })
        .png()
        .toBuffer(),
    ]);
    for (const source of sources) {
      const { data, info } = await sharp(source).resize(24, 24, { fit: 'inside' }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      const pixels = new Uint8ClampedArray(data.buffer, data.byteOffset, data.length);
      expect(encodeBlurhash(pixels, info.width, info.height, 4, 3)).toBe(encode(pixels, info.width, info.height, 4, 3));
    }
  });

  it('reads RGB pixels (no alpha) as the package reads the same picture in RGBA', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const width = 1 + (seed % 24);
      const height = 1 + ((seed * 3) % 17);
      const rgba = randomPixels(seed, width, height);
      const rgb = Uint8ClampedArray.from({ length: width * height * 3 }, (_, index) => rgba[Math.floor(index / 3) * 4 + (index % 3)]!);
      expect(encodeBlurhash(rgb, width, height, 4, 3, 3), `seed ${seed}`).toBe(encode(rgba, width, height, 4, 3));
    }
  });

  it('refuses component counts BlurHash cannot hold and pixel arrays of the wrong size', () => {
    const pixels = randomPixels(1, 4, 4);
    expect(() => encodeBlurhash(pixels, 4, 4, 0, 3)).toThrow(RangeError);
    expect(() => encodeBlurhash(pixels, 4, 4, 4, 10)).toThrow(RangeError);
    expect(() => encodeBlurhash(pixels, 4, 5, 4, 3)).toThrow(RangeError);
  });
});
