import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Canvas } from './canvas.ts';
import { addNoiseOctave, type NoiseOctave } from './valueNoise.ts';

/** The coarsest grain is a third of the long side; each finer octave halves it and weighs 0.6 as much. */
const COARSEST_FRACTION = 1 / 3;
const PERSISTENCE = 0.6;
const FIRST_WEIGHT = 0.5;
/** Below this a cell is smaller than a pixel pair and the octave adds nothing visible. */
const FINEST_CELL = 1.5;
const STROKE_ASPECT = 2.5;

/** The octaves of grain a picture of this size can show, coarse to fine. */
export function grainOctaves(width: number, height: number): NoiseOctave[] {
  const octaves: NoiseOctave[] = [];
  let cellHeight = Math.max(width, height) * COARSEST_FRACTION;
  for (let weight = FIRST_WEIGHT; cellHeight >= FINEST_CELL; weight *= PERSISTENCE, cellHeight /= 2) {
    octaves.push({ cellWidth: cellHeight * STROKE_ASPECT, cellHeight, weight });
  }
  return octaves;
}

/** All octaves of a scene's grain at once, in a field `fieldWidth` wide (a film's whole pan). */
export function grainField(fieldWidth: number, height: number, octaves: NoiseOctave[], seed: string): Float32Array {
  const field = new Float32Array(fieldWidth * height);
  for (const [index, octave] of octaves.entries()) addNoiseOctave(field, fieldWidth, height, octave, seed, index);
  return field;
}

/**
 * The same field, one octave per turn of the event loop: a 10 s pan at 1024 px is some 0.6 s
 * of work on a loaded machine, and the worker's lock renewals and other jobs' events must not
 * wait for all of it (bench/eventLoopStalls.ts).
 */
export async function grainFieldInTurns(fieldWidth: number, height: number, octaves: NoiseOctave[], seed: string): Promise<Float32Array> {
  const field = new Float32Array(fieldWidth * height);
  for (const [index, octave] of octaves.entries()) {
    addNoiseOctave(field, fieldWidth, height, octave, seed, index);
    await nextTurn();
  }
  return field;
}

export interface GrainLayers {
  /** How strongly each layer takes the grain: a smooth sky, rough near hills. */
  strength: Float32Array;
  /** How far, in pixels, each layer's grain has moved with it. */
  shift: Float32Array;
}

/**
 * Add a grain field (values about ±0.5, `fieldWidth` wide, at least as wide as the canvas
 * plus the largest shift) to the canvas, as light and shade on every channel.
 */
export function addGrain(canvas: Canvas, field: Float32Array, fieldWidth: number, layers: GrainLayers): void {
  const { width, height, rgb, layer } = canvas;
  for (let y = 0; y < height; y++) {
    const fieldRow = y * fieldWidth;
    for (let x = 0; x < width; x++) {
      const pixel = y * width + x;
      const which = layer[pixel]!;
      const position = x + layers.shift[which]!;
      const column = Math.floor(position);
      const left = field[fieldRow + column]!;
      const sample = left + (field[fieldRow + column + 1]! - left) * (position - column);
      const light = 255 * layers.strength[which]! * sample;
      rgb[pixel * 3]! += light;
      rgb[pixel * 3 + 1]! += light;
      rgb[pixel * 3 + 2]! += light;
    }
  }
}
