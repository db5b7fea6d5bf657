import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runTool, withTempDir } from '@atelier/media';

/** Frame `index` of an MP4 as packed RGB, decoded by ffmpeg. */
export function frameOf(mp4: Buffer, index: number): Promise<Buffer> {
  return withTempDir(async (dir) => {
    const file = join(dir, 'video.mp4');
    await writeFile(file, mp4);
    const select = ['-vf', `select=eq(n\\,${index})`, '-frames:v', '1'];
    const args = ['-v', 'error', '-i', file, ...select, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'];
    return runTool('ffmpeg', args, { signal: new AbortController().signal });
  });
}

/** How far apart two pictures of the same size are: the mean of |a − b| over every channel value. */
export function meanAbsoluteDifference(a: Buffer, b: Buffer): number {
  let total = 0;
  for (let index = 0; index < a.length; index++) total += Math.abs(a[index]! - b[index]!);
  return total / a.length;
}
