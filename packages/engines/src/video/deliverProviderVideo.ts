import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { JobError, type VideoParams } from '@atelier/contracts';
import { runTool, ToolFailedError, withTempDir } from '@atelier/media';
import type { EngineContext, GeneratedFile } from '../types.ts';
import { h264Args } from './h264Args.ts';

/**
 * Turn a provider's MP4 into ours. Frame 0 goes out first, decoded by ffmpeg straight from the
 * download (the quickest way to a first frame). Then the film is made what the job asked for:
 * scaled to cover the asked size and cropped, at the asked rate, cut (or held on its last
 * frame) to the asked length, re-encoded like the local engine's films. Sound is kept.
 */
export async function deliverProviderVideo(mp4: Buffer, params: VideoParams, ctx: EngineContext): Promise<GeneratedFile[]> {
  const { width, height, fps, seconds } = params;
  const cover = `scale=${width}:${height}:force_original_aspect_ratio=increase,crop=${width}:${height}`;
  return withTempDir(async (dir) => {
    const source = join(dir, 'provider.mp4');
    const output = join(dir, 'video.mp4');
    await writeFile(source, mp4);
    const firstFrame = await decoded(() =>
      runTool('ffmpeg', ['-v', 'error', '-i', source, '-frames:v', '1', '-vf', cover, '-f', 'image2pipe', '-c:v', 'mjpeg', '-q:v', '3', 'pipe:1'], {
        signal: ctx.signal,
      }),
    );
    await ctx.preview({ data: firstFrame, contentType: 'image/jpeg', width, height, isFirstFrame: true });

    const fitted = `${cover},fps=${fps},tpad=stop_mode=clone:stop_duration=${seconds}`;
    const streams = ['-map', '0:v:0', '-map', '0:a:0?', '-c:a', 'aac', '-b:a', '128k'];
    await decoded(() =>
      runTool('ffmpeg', ['-v', 'error', '-i', source, '-vf', fitted, ...streams, '-t', String(seconds), ...h264Args, '-y', output], { signal: ctx.signal }),
    );
    const data = await readFile(output);
    return [
      { role: 'output', data, contentType: 'video/mp4', extension: 'mp4', width, height, durationSeconds: seconds },
      { role: 'poster', data: firstFrame, contentType: 'image/jpeg', extension: 'jpg', width, height },
    ];
  });
}

/** ffmpeg failing on the provider's file means the file is bad, not that ffmpeg is. */
async function decoded(run: () => Promise<Buffer>): Promise<Buffer> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ToolFailedError) throw new JobError('invalid_output', `The provider's video does not decode: ${error.message}`, { cause: error });
    throw error;
  }
}
