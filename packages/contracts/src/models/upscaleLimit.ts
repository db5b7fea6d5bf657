import { JobError } from '../errors.ts';

/** The longest side an upscale may produce: the API refuses more at submit, the engine before any work. */
export const MAX_OUTPUT_SIDE = 4096;

/** Refuses, before any work, an upscale whose output would pass MAX_OUTPUT_SIDE on either side. */
export function assertOutputFits(width: number, height: number, scale: number): void {
  const outputWidth = width * scale;
  const outputHeight = height * scale;
  if (outputWidth <= MAX_OUTPUT_SIDE && outputHeight <= MAX_OUTPUT_SIDE) return;
  throw new JobError(
    'output_too_large',
    `A ${width}×${height} picture upscaled ×${scale} would be ${outputWidth}×${outputHeight}; at most ${MAX_OUTPUT_SIDE} px a side.`,
  );
}
