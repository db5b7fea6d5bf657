import { isBlurhashValid } from 'blurhash';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { placeholderOf, thumbnailOf } from '../src/index.ts';

const BASE83 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~';
const base83 = (digits: string) => [...digits].reduce((value, digit) => value * 83 + BASE83.indexOf(digit), 0);
/** BlurHash's first character encodes (componentsX - 1) + (componentsY - 1) * 9. */
const componentsOf = (hash: string) => {
  const flag = base83(hash.slice(0, 1));
  return { x: (flag % 9) + 1, y: Math.floor(flag / 9) + 1 };
};
/** Characters 2 to 5 hold the average colour as 24-bit sRGB. */
const averageOf = (hash: string) => {
  const rgb = base83(hash.slice(2, 6));
  return [rgb >> 16, (rgb >> 8) & 255, rgb & 255];
};

const solid = (width: number, height: number, rgb: [number, number, number]) =>
  sharp({ create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } })
    .png()
    .toBuffer();

describe('placeholderOf', () => {
  it('gives the source size and a valid hash of a landscape picture with 4×3 components', async () => {
    const placeholder = await placeholderOf(await solid(800, 600, [200, 30, 40]));
    expect(placeholder).toMatchObject({ width: 800, height: 600 });
    expect(isBlurhashValid(placeholder.blurhash).result).toBe(true);
    expect(componentsOf(placeholder.blurhash)).toEqual({ x: 4, y: 3 });
  });

  it('turns the components with the picture', async () => {
    const placeholder = await placeholderOf(await solid(300, 900, [0, 0, 0]));
    expect(componentsOf(placeholder.blurhash)).toEqual({ x: 2, y: 4 });
  });

  it('measures a photo as it is shown: a quarter-turned JPEG (EXIF orientation 6) is as tall as it is stored wide', async () => {
    const stored = await sharp({ create: { width: 400, height: 100, channels: 3, background: { r: 9, g: 9, b: 9 } } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const thumbnail = await thumbnailOf(stored);
    expect(thumbnail).toMatchObject({ format: 'jpeg', sourceWidth: 100, sourceHeight: 400 });
    expect(thumbnail.height).toBeGreaterThan(thumbnail.width);
  });

  it('keeps the colour of the picture', async () => {
    const placeholder = await placeholderOf(await solid(512, 512, [30, 90, 220]));
    expect(averageOf(placeholder.blurhash)).toEqual([30, 90, 220]);
  });

  it('hashes a picture smaller than the thumbnail as it is, without enlarging it', async () => {
    const thumbnail = await thumbnailOf(await solid(8, 6, [10, 20, 30]));
    expect(thumbnail).toMatchObject({ format: 'png', width: 8, height: 6, sourceWidth: 8, sourceHeight: 6 });
  });

  it('hashes grey and transparent pictures by their colour alone', async () => {
    const grey = await sharp(await solid(64, 48, [120, 120, 120]))
      .toColourspace('b-w')
      .png()
      .toBuffer();
    expect((await sharp(grey).metadata()).channels).toBe(1);
    expect(averageOf((await placeholderOf(grey)).blurhash)).toEqual([120, 120, 120]);
    const opaque = await solid(64, 48, [30, 90, 220]);
    const transparent = await sharp(opaque).ensureAlpha(0.5).png().toBuffer();
    expect((await thumbnailOf(transparent)).channels).toBe(4);
    // Shrinking premultiplies by alpha and back, which rounds a colour by a step or two.
    const [r, g, b] = averageOf((await placeholderOf(transparent)).blurhash);
    for (const [value, expected] of [
      [r, 30],
      [g, 90],
      [b, 220],
    ] as const)
      expect(Math.abs(value! - expected)).toBeLessThanOrEqual(2);
  });

  it('rejects bytes that are not a picture', async () => {
    await expect(placeholderOf(Buffer.from('not a picture'))).rejects.toThrow();
  });
});
