/**
 * What does the BlurHash add to the decode it needs anyway? On pictures from the local image
 * engine, time decode + downscale (`thumbnailOf`) against decode + downscale + BlurHash
 * (`placeholderOf`), interleaved so that both see the same machine, and compare medians.
 * Exits 1 when the hash makes the whole more than 1.5 times as slow: that would mean it is
 * being computed on too many pixels.
 *
 *   npx tsx bench/placeholder.ts
 */
import { ImageParams } from '@atelier/contracts';
import { createLocalImageEngine } from '@atelier/engines';
import { placeholderOf, thumbnailOf } from '@atelier/media';

const PICTURES = 20;
const ROUNDS = 15;
const WARM_UP_ROUNDS = 2;
const MAX_RATIO = 1.5;
const prompts = ['misty mountains', 'an ocean at night', 'golden desert dunes', 'a red forest at sunset', 'green hills under a blue sky'];

async function pictures(): Promise<Array<{ png: Buffer; width: number; height: number }>> {
  const engine = createLocalImageEngine();
  const ctx = { signal: new AbortController().signal, progress: () => {}, preview: async () => {} };
  const made = [];
  for (let index = 0; index < PICTURES; index++) {
    // Sides from 512 to 1024, square and not, in both orientations.
    const long = 512 + Math.round((512 * index) / (PICTURES - 1));
    const short = index % 3 === 0 ? long : Math.max(512, Math.round(long * 0.75));
    const [width, height] = index % 2 === 0 ? [long, short] : [short, long];
    const params = ImageParams.parse({ width, height, steps: 4, seed: index });
    const [file] = await engine.generate({ prompt: prompts[index % prompts.length]!, params }, ctx);
    made.push({ png: file!.data, width, height });
  }
  return made;
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const set = await pictures();
const pixels = set.reduce((total, picture) => total + picture.width * picture.height, 0);
console.log(`${set.length} PNG pictures from the local image engine, ${(pixels / set.length / 1e6).toFixed(2)} megapixels on average`);

const decodeOnly: number[] = [];
const withHash: number[] = [];
for (let round = 0; round < WARM_UP_ROUNDS + ROUNDS; round++) {
  for (const { png } of set) {
    // Alternate which goes first, so that neither always meets a warmer cache.
    const pair =
      round % 2 === 0
        ? [await timed(() => thumbnailOf(png)), await timed(() => placeholderOf(png))]
        : [await timed(() => placeholderOf(png)), await timed(() => thumbnailOf(png))].reverse();
    if (round < WARM_UP_ROUNDS) continue;
    decodeOnly.push(pair[0]!);
    withHash.push(pair[1]!);
  }
}

const decodeMedian = median(decodeOnly);
const hashMedian = median(withHash);
const ratio = hashMedian / decodeMedian;
console.log(`runs per variant: ${decodeOnly.length} (${ROUNDS} rounds × ${set.length} pictures, interleaved)`);
console.log(`decode + downscale:            median ${decodeMedian.toFixed(2)} ms`);
console.log(`decode + downscale + BlurHash: median ${hashMedian.toFixed(2)} ms`);
console.log(`ratio: ${ratio.toFixed(3)} (limit ${MAX_RATIO})`);
if (ratio > MAX_RATIO) {
  console.error(`BlurHash makes the placeholder ${ratio.toFixed(2)}× as slow as the decode alone: it is hashing too many pixels.`);
  process.exitCode = 1;
}
