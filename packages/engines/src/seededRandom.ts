import { createHash } from 'node:crypto';

/** A source of numbers in [0, 1): the same parts always give the same sequence. */
export type Random = () => number;

/**
 * A PRNG seeded from a SHA-256 of its parts (a prompt, a seed, a purpose), so that every
 * character of a prompt moves every number drawn. The generator is sfc32: fast, 128 bits of
 * state, good enough for pictures.
 */
export function seededRandom(...parts: ReadonlyArray<string | number>): Random {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest();
  let a = digest.readUInt32LE(0);
  let b = digest.readUInt32LE(4);
  let c = digest.readUInt32LE(8);
  let d = digest.readUInt32LE(12);
  return () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}
