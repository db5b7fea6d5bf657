/** A picture being painted: floats, so that layers and grain add up before anything is rounded. */
export interface Canvas {
  width: number;
  height: number;
  /** Red, green, blue a pixel, about 0–255; grain may push a value past either end. */
  rgb: Float32Array;
  /** The layer each pixel shows (0 is the sky): grain strength and drift depend on it. */
  layer: Uint8Array;
}

export function createCanvas(width: number, height: number): Canvas {
  return { width, height, rgb: new Float32Array(width * height * 3), layer: new Uint8Array(width * height) };
}

/** Packed 8-bit RGB, as sharp and ffmpeg take raw pixels. */
export function toRgb8(canvas: Canvas, target: Buffer = Buffer.alloc(canvas.rgb.length)): Buffer {
  // A Uint8ClampedArray view clamps and rounds exactly as an encoder expects.
  new Uint8ClampedArray(target.buffer, target.byteOffset, canvas.rgb.length).set(canvas.rgb);
  return target;
}
