import { seededRandom } from '../seededRandom.ts';
import { mix, scale, type Rgb } from './colour.ts';
import { paletteOf, type Palette } from './palette.ts';

/**
 * A landscape described in numbers: what a prompt and a seed come down to. Positions are
 * fractions of the picture (x of its width, y of its height, radii of its shorter side), so
 * one scene paints at any size. `drift` is how far a layer moves, in widths per second, when
 * the scene is filmed: near things move faster.
 */
export interface Scene {
  palette: Palette;
  /** Where the land (or water) meets the sky. */
  horizon: number;
  sun: { x: number; y: number; radius: number };
  /** Back to front. */
  ridges: Ridge[];
  clouds: Cloud[];
  /** Seeds the lattice of the ridges' outlines and of the grain. */
  seed: string;
}

export interface Ridge {
  /** The outline's mean height, and how far it rises and falls around it. */
  top: number;
  amplitude: number;
  /** Outline features per picture width. */
  frequency: number;
  colour: Rgb;
  drift: number;
}

export interface Cloud {
  x: number;
  y: number;
  radiusX: number;
  radiusY: number;
  opacity: number;
  drift: number;
}

export function sceneOf(prompt: string, seed: number): Scene {
  const random = seededRandom('scene', prompt, seed);
  // The palette follows the prompt alone: one prompt keeps its colours across seeds.
  const palette = paletteOf(prompt, seededRandom('palette', prompt));
  const horizon = palette.water ? 0.58 + random() * 0.12 : 0.6 + random() * 0.15;
  const ridgeCount = 2 + Math.floor(random() * 3);
  const ridges = Array.from({ length: ridgeCount }, (_, index): Ridge => {
    const depth = index / (ridgeCount - 1); // 0 far, 1 near
    // Without water the nearest ridge is the foreground, reaching below the horizon.
    const reach = palette.water ? 0 : depth * 0.12;
    return {
      top: horizon - (0.3 - depth * 0.2) * (0.6 + random() * 0.5) + reach,
      amplitude: (0.12 - depth * 0.07) * (0.6 + random() * 0.6),
      frequency: 1.5 + random() * 2.5,
      colour: mix(scale(palette.land, 1 - depth * 0.35), palette.skyHorizon, palette.haze * (1 - depth)),
      drift: 0.03 + depth * 0.2,
    };
  });
  const clouds = Array.from(
    { length: Math.floor(random() * 5) },
    (): Cloud => ({
      x: random(),
      y: 0.08 + random() * (horizon - 0.3),
      radiusX: 0.12 + random() * 0.2,
      radiusY: 0.03 + random() * 0.04,
      opacity: 0.35 + random() * 0.4,
      drift: 0.01 + random() * 0.02,
    }),
  );
  return {
    palette,
    horizon,
    sun: { x: 0.15 + random() * 0.7, y: 0.1 + random() * (horizon - 0.3), radius: 0.04 + random() * 0.05 },
    ridges,
    clouds,
    seed: `${prompt}\u0000${seed}`,
  };
}
