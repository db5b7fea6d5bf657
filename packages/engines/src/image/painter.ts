import type { Canvas } from './canvas.ts';
import { mix, type Rgb } from './colour.ts';
import type { GrainLayers } from './grain.ts';
import type { Scene } from './scene.ts';
import { outlineOf } from './valueNoise.ts';

/** Paints one scene at one size, at any moment of its film (time 0 for a still). */
export interface Painter {
  paint(canvas: Canvas, timeSeconds: number): void;
  grainAt(timeSeconds: number): GrainLayers;
}

const SKY_GRAIN = 0.05;
const FAR_RIDGE_GRAIN = 0.12;
const NEAR_RIDGE_GRAIN = 0.3;
const WATER_GRAIN = 0.14;
/** Water shows the sky darkened and drawn toward a deep blue. */
const WATER_DEPTH: Rgb = [20, 45, 70];
const WATER_REFLECTANCE = 0.7;
/** Ridges darken toward their feet, by up to this much, over half the picture's height. */
const RIDGE_SHADE = 0.4;
/** The sun's halo reaches a few radii; exp(-(d/HALO)²) of the way to the sun's colour. */
const HALO_RADII = 4;
const HALO_STRENGTH = 0.55;
/** Clouds fade as exp(-2q), q their squared normalised distance; past q = 9 nothing shows. */
const CLOUD_REACH = 9;

export function createPainter(scene: Scene, width: number, height: number): Painter {
  const sky = paintSky(scene, width, height);
  const outlines = scene.ridges.map((_, index) => outlineOf(scene.seed, index));
  const ridgeTops = scene.ridges.map(() => new Float32Array(width));
  const waterLayer = scene.ridges.length + 1;
  const horizonY = scene.horizon * height;
  const minSide = Math.min(width, height);

  const strength = Float32Array.from([
    SKY_GRAIN,
    ...scene.ridges.map((_, index) => FAR_RIDGE_GRAIN + ((NEAR_RIDGE_GRAIN - FAR_RIDGE_GRAIN) * index) / (scene.ridges.length - 1)),
    WATER_GRAIN,
  ]);
  const waterDrift = scene.ridges.at(-1)!.drift;
  const drifts = [0, ...scene.ridges.map((ridge) => ridge.drift), waterDrift];

  function paint(canvas: Canvas, time: number): void {
    scene.ridges.forEach((ridge, index) => {
      const outline = outlines[index]!;
      const tops = ridgeTops[index]!;
      for (let x = 0; x < width; x++) {
        tops[x] = (ridge.top + ridge.amplitude * outline((x / width + ridge.drift * time) * ridge.frequency)) * height;
      }
    });
    const clouds = scene.clouds.map((cloud) => ({
      // Clouds drift left and come round again, with half a width of clear sky either side.
      x: (((((cloud.x - cloud.drift * time + 0.5) % 2) + 2) % 2) - 0.5) * width,
      y: cloud.y * height,
      radiusX: cloud.radiusX * minSide,
      radiusY: cloud.radiusY * minSide,
      opacity: cloud.opacity,
    }));
    // Rows above every ridge's highest point show only sky and clouds.
    const firstRidgeRow = Math.max(0, Math.floor(Math.min(...ridgeTops.map((tops) => Math.min(...tops))) - 1));
    const { rgb, layer } = canvas;
    for (let y = 0; y < height; y++) {
      const mirrorRow = Math.max(0, Math.round(2 * horizonY - y)) * width;
      const waterCover = scene.palette.water ? clamp01(y - horizonY + 0.5) : 0;
      const ridgeCount = y < firstRidgeRow ? 0 : scene.ridges.length;
      rgb.set(sky.subarray(y * width * 3, (y + 1) * width * 3), y * width * 3);
      for (const cloud of clouds) addCloudRow(rgb, width, y, cloud, scene.palette.cloud);
      for (let x = 0; x < width; x++) {
        const pixel = y * width + x;
        let r = rgb[pixel * 3]!;
        let g = rgb[pixel * 3 + 1]!;
        let b = rgb[pixel * 3 + 2]!;
        let shown = 0;
        for (let index = 0; index < ridgeCount; index++) {
          const depthBelowTop = y - ridgeTops[index]![x]!;
          // Half a pixel either side of the outline is shared: edges without stair steps.
          const cover = clamp01(depthBelowTop + 0.5);
          if (cover === 0) continue;
          const colour = scene.ridges[index]!.colour;
          const shade = 1 - RIDGE_SHADE * clamp01(depthBelowTop / (height / 2));
          r += (colour[0] * shade - r) * cover;
          g += (colour[1] * shade - g) * cover;
          b += (colour[2] * shade - b) * cover;
          if (cover >= 0.5) shown = index + 1;
        }
        if (waterCover > 0) {
          const mirror = (mirrorRow + x) * 3;
          r += (WATER_DEPTH[0] + (sky[mirror]! - WATER_DEPTH[0]) * WATER_REFLECTANCE - r) * waterCover;
          g += (WATER_DEPTH[1] + (sky[mirror + 1]! - WATER_DEPTH[1]) * WATER_REFLECTANCE - g) * waterCover;
          b += (WATER_DEPTH[2] + (sky[mirror + 2]! - WATER_DEPTH[2]) * WATER_REFLECTANCE - b) * waterCover;
          if (waterCover >= 0.5) shown = waterLayer;
        }
        rgb[pixel * 3] = r;
        rgb[pixel * 3 + 1] = g;
        rgb[pixel * 3 + 2] = b;
        layer[pixel] = shown;
      }
    }
  }

  return {
    paint,
    grainAt: (time) => ({ strength, shift: Float32Array.from(drifts, (drift) => drift * time * width) }),
  };
}

/** The sky does not move: gradient, sun and halo are painted once for a whole film. */
function paintSky(scene: Scene, width: number, height: number): Float32Array {
  const sky = new Float32Array(width * height * 3);
  const { skyTop, skyHorizon, sun } = scene.palette;
  const radius = scene.sun.radius * Math.min(width, height);
  const sunX = scene.sun.x * width;
  const sunY = scene.sun.y * height;
  const horizonY = scene.horizon * height;
  for (let y = 0; y < height; y++) {
    const base = mix(skyTop, skyHorizon, Math.min(1, y / horizonY) ** 0.8);
    const dy = y - sunY;
    for (let x = 0; x < width; x++) {
      // Products, not Math.hypot or **: this runs for every pixel, and those are slower in V8.
      const dx = x - sunX;
      const squared = (dx * dx + dy * dy) / (radius * radius);
      const distance = Math.sqrt(squared);
      const halo = HALO_STRENGTH * Math.exp(-squared / (HALO_RADII * HALO_RADII));
      // The disc's rim is shared over one pixel, like the ridges' outlines.
      const disc = clamp01((1 - distance) * radius + 0.5);
      const amount = halo + (1 - halo) * disc;
      const pixel = (y * width + x) * 3;
      sky[pixel] = base[0] + (sun[0] - base[0]) * amount;
      sky[pixel + 1] = base[1] + (sun[1] - base[1]) * amount;
      sky[pixel + 2] = base[2] + (sun[2] - base[2]) * amount;
    }
  }
  return sky;
}

/** Blend one row of a soft elliptical cloud over what is painted, only across the columns it reaches. */
function addCloudRow(
  rgb: Float32Array,
  width: number,
  y: number,
  cloud: { x: number; y: number; radiusX: number; radiusY: number; opacity: number },
  colour: Rgb,
): void {
  const rowReach = CLOUD_REACH - ((y - cloud.y) / cloud.radiusY) ** 2;
  if (rowReach <= 0) return;
  const halfWidth = cloud.radiusX * Math.sqrt(rowReach);
  const from = Math.max(0, Math.ceil(cloud.x - halfWidth));
  const to = Math.min(width - 1, Math.floor(cloud.x + halfWidth));
  const qy = ((y - cloud.y) / cloud.radiusY) ** 2;
  for (let x = from; x <= to; x++) {
    const alpha = cloud.opacity * Math.exp(-2 * (((x - cloud.x) / cloud.radiusX) ** 2 + qy));
    const pixel = (y * width + x) * 3;
    rgb[pixel] = rgb[pixel]! + (colour[0] - rgb[pixel]!) * alpha;
    rgb[pixel + 1] = rgb[pixel + 1]! + (colour[1] - rgb[pixel + 1]!) * alpha;
    rgb[pixel + 2] = rgb[pixel + 2]! + (colour[2] - rgb[pixel + 2]!) * alpha;
  }
}

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value));
}
