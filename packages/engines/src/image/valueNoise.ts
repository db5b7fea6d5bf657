import { seededRandom } from '../seededRandom.ts';

/** Lattice points per outline; the outline repeats after this many features. */
const OUTLINE_LATTICE = 1024;
const OUTLINE_OCTAVES = 6;

/** Hermite easing between lattice points: no visible creases at the cells' edges. */
const ease = (t: number) => t * t * (3 - 2 * t);

/**
 * A 1-D fractal outline in [-1, 1], as mountains have: big swells with smaller ones on them,
 * each octave at twice the frequency and half the height of the one before.
 */
export function outlineOf(...seed: ReadonlyArray<string | number>): (position: number) => number {
  const random = seededRandom('outline', ...seed);
  const lattice = Float64Array.from({ length: OUTLINE_LATTICE }, () => random() * 2 - 1);
  const at = (position: number) => {
    const cell = Math.floor(position);
    const left = lattice[((cell % OUTLINE_LATTICE) + OUTLINE_LATTICE) % OUTLINE_LATTICE]!;
    const right = lattice[(((cell + 1) % OUTLINE_LATTICE) + OUTLINE_LATTICE) % OUTLINE_LATTICE]!;
    return left + (right - left) * ease(position - cell);
  };
  return (position) => {
    let sum = 0;
    let amplitude = 1;
    let frequency = 1;
    for (let octave = 0; octave < OUTLINE_OCTAVES; octave++) {
      sum += amplitude * at(position * frequency + octave * 17.3);
      amplitude /= 2;
      frequency *= 2;
    }
    return sum / (2 - 2 ** (1 - OUTLINE_OCTAVES));
  };
}

export interface NoiseOctave {
  /** Lattice cell size in pixels; wider than tall, the grain reads as horizontal strokes. */
  cellWidth: number;
  cellHeight: number;
  /** The noise adds `weight × (value − 0.5)`, value in [0, 1). */
  weight: number;
}

/**
 * Add one octave of seeded value noise to a width×height field, row by row. A lattice point's
 * value depends only on its place, so a wider field starts with the same values as a narrower
 * one: a film's first frame can be painted before the grain of the whole pan is ready.
 */
export function addNoiseOctave(field: Float32Array, width: number, height: number, octave: NoiseOctave, ...seed: ReadonlyArray<string | number>): void {
  const columns = Math.ceil(width / octave.cellWidth) + 2;
  const rows = Math.ceil(height / octave.cellHeight) + 2;
  const key = Math.floor(seededRandom('grain', ...seed)() * 2 ** 32);
  const lattice = new Float32Array(columns * rows);
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < columns; column++) lattice[row * columns + column] = latticeValue(key, column, row);
  }
  const cellOfX = new Int32Array(width);
  const easedX = new Float32Array(width);
  for (let x = 0; x < width; x++) {
    const position = x / octave.cellWidth;
    cellOfX[x] = Math.floor(position);
    easedX[x] = ease(position - Math.floor(position));
  }
  for (let y = 0; y < height; y++) {
    const position = y / octave.cellHeight;
    const top = Math.floor(position) * columns;
    const bottom = top + columns;
    const ty = ease(position - Math.floor(position));
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const cell = cellOfX[x]!;
      const tx = easedX[x]!;
      const upper = lattice[top + cell]! + (lattice[top + cell + 1]! - lattice[top + cell]!) * tx;
      const lower = lattice[bottom + cell]! + (lattice[bottom + cell + 1]! - lattice[bottom + cell]!) * tx;
      field[row + x]! += octave.weight * (upper + (lower - upper) * ty);
    }
  }
}

/** A well-mixed 32-bit hash of a lattice point (murmur3's finaliser), as a value in [-0.5, 0.5). */
function latticeValue(key: number, column: number, row: number): number {
  let h = key ^ Math.imul(column, 0x27d4eb2d) ^ Math.imul(row, 0x165667b1);
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 2 ** 32 - 0.5;
}
