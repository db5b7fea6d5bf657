import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { runTool, withTempDir } from '@atelier/media';
import { h264Args } from './h264Args.ts';

/** Rendering and streaming frames to ffmpeg take this share of the progress bar; ffmpeg's finish the rest. */
const RENDERING_PERCENT = 95;

export interface Film {
  width: number;
  height: number;
  fps: number;
  frameCount: number;
  /** Frame 0, already rendered (and handed over as the first-frame preview). */
  firstFrame: Buffer;
  /** Frame `index` as packed RGB, in a buffer of its own: ffmpeg's stdin may still hold the last one. */
  renderFrame(index: number): Buffer | Promise<Buffer>;
}

/**
 * Streams a film's frames raw into ffmpeg, one per turn of the event loop so that a cancel
 * lands between frames even when ffmpeg never pushes back, and returns the H.264 MP4.
 */
export function encodeFilm(film: Film, signal: AbortSignal, report: (percent: number, stage: string) => void): Promise<Buffer> {
  const { width, height, fps, frameCount } = film;
  async function* frames(): AsyncGenerator<Buffer> {
    yield film.firstFrame;
    report((1 / frameCount) * RENDERING_PERCENT, 'rendering');
    for (let index = 1; index < frameCount; index++) {
      await nextTurn();
      signal.throwIfAborted();
      yield await film.renderFrame(index);
      report(((index + 1) / frameCount) * RENDERING_PERCENT, 'rendering');
    }
  }
  return withTempDir(async (dir) => {
    const file = join(dir, 'video.mp4');
    const rawFrames = ['-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-r', String(fps), '-i', 'pipe:0'];
    await runTool('ffmpeg', ['-v', 'error', ...rawFrames, ...h264Args, '-y', file], { signal, input: frames() });
    return readFile(file);
  });
}
