import { JobError } from '@atelier/contracts';

/** H.264 in 4:2:0 keeps one colour sample per 2×2 pixels, so both sides must be even. */
export function assertEvenSize(width: number, height: number): void {
  if (width % 2 !== 0 || height % 2 !== 0) {
    throw new JobError('validation_failed', `H.264 in 4:2:0 needs an even width and height; got ${width}×${height}.`);
  }
}
