import sharp from 'sharp';

/**
 * How many libvips threads work on one picture (sharp's `concurrency`; its default is one per
 * core). A worker already runs several jobs at once, so more threads per picture only add
 * thread wake-ups on its critical path.
 */
export function setImageThreadsPerPicture(threads: number): void {
  sharp.concurrency(threads);
}
