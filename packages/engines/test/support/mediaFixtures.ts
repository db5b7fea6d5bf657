import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { runTool, withTempDir } from '@atelier/media';

const signal = new AbortController().signal;

/** Real media, as providers send it, made by the real programs. */
export const fixtures = {
  /** A picture of the given size and format: a gradient with a few shapes, not a flat fill. */
  async picture(width: number, height: number, format: 'png' | 'jpeg'): Promise<Buffer> {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
      <defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#2a4d8f"/><stop offset="1" stop-color="#f4a261"/></linearGradient></defs>
      <rect width="100%" height="100%" fill="url(#sky)"/>
      <circle cx="${width * 0.7}" cy="${height * 0.3}" r="${height * 0.1}" fill="#ffe8a3"/>
      <rect y="${height * 0.7}" width="100%" height="${height * 0.3}" fill="#264d2f"/>
    </svg>`;
    return sharp(Buffer.from(svg)).toFormat(format).toBuffer();
  },

  /** Speech from espeak-ng as raw 16-bit mono samples at `sampleRate`, OpenAI's `pcm` format. */
  async speechPcm(text: string, sampleRate: number): Promise<Buffer> {
    const wav = await runTool('espeak-ng', ['-v', 'en', '--stdout'], { signal, input: Buffer.from(text) });
    return runTool('ffmpeg', ['-v', 'error', '-i', 'pipe:0', '-f', 's16le', '-ac', '1', '-ar', String(sampleRate), 'pipe:1'], { signal, input: wav });
  },

  /** Speech from espeak-ng as FLAC, as Hugging Face text-to-speech endpoints commonly answer. */
  async speechFlac(text: string): Promise<Buffer> {
    const wav = await runTool('espeak-ng', ['-v', 'en', '--stdout'], { signal, input: Buffer.from(text) });
    return runTool('ffmpeg', ['-v', 'error', '-i', 'pipe:0', '-c:a', 'flac', '-f', 'flac', 'pipe:1'], { signal, input: wav });
  },

  /** An H.264 MP4 with sound, index at the end (no faststart), as many providers write them. */
  mp4(width: number, height: number, seconds: number): Promise<Buffer> {
    return withTempDir(async (dir) => {
      const file = join(dir, 'provider.mp4');
      const sources = ['-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=24`, '-f', 'lavfi', '-i', 'sine=frequency=440'];
      const codecs = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac'];
      await runTool('ffmpeg', ['-v', 'error', ...sources, '-t', String(seconds), ...codecs, '-y', file], { signal });
      return readFile(file);
    });
  },
};
