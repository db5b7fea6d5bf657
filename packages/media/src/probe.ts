import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { runTool } from './ffmpeg.ts';
import { withTempDir } from './tempDir.ts';

/** What ffprobe says about a media file, reduced to what Atelier checks and stores. */
export interface MediaInfo {
  /** ffprobe's format name, e.g. `mov,mp4,m4a,3gp,3g2,mj2`, `mp3`, `ogg`, `wav`. */
  container: string;
  /** The codec of the first video stream, or of the first audio stream when there is no video. */
  codec: string;
  width?: number;
  height?: number;
  durationSeconds?: number;
  pixFmt?: string;
}

// ffprobe writes `N/A` (or nothing) for a duration it does not know: that is "unknown", not an error.
const Seconds = z.coerce.number().positive().optional().catch(undefined);
const ProbeOutput = z.object({
  format: z.object({ format_name: z.string(), duration: Seconds }),
  streams: z.array(
    z.object({
      codec_type: z.string(),
      codec_name: z.string().default('unknown'),
      width: z.number().int().optional(),
      height: z.number().int().optional(),
      pix_fmt: z.string().optional(),
      duration: Seconds,
    }),
  ),
});

/**
 * Probe media held in memory. It goes through a temporary file because an MP4 whose index
 * sits at the end cannot be read from a pipe.
 */
export function probe(data: Buffer, signal: AbortSignal): Promise<MediaInfo> {
  return withTempDir(async (dir) => {
    const file = join(dir, 'media');
    await writeFile(file, data);
    return probeFile(file, signal);
  });
}

export async function probeFile(path: string, signal: AbortSignal): Promise<MediaInfo> {
  const args = ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', path];
  const output = ProbeOutput.parse(JSON.parse((await runTool('ffprobe', args, { signal })).toString('utf8')));
  const stream = output.streams.find((s) => s.codec_type === 'video') ?? output.streams.find((s) => s.codec_type === 'audio');
  return {
    container: output.format.format_name,
    codec: stream?.codec_name ?? 'none',
    width: stream?.width,
    height: stream?.height,
    durationSeconds: output.format.duration ?? stream?.duration,
    pixFmt: stream?.pix_fmt,
  };
}
