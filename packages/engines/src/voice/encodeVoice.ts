import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { VoiceParams } from '@atelier/contracts';
import { runTool, withTempDir } from '@atelier/media';
import type { GeneratedFile } from '../types.ts';
import { audioFormats } from './audioFormats.ts';
import { peaksOf } from './peaks.ts';
import type { Pcm } from './pcm.ts';

const PEAK_COUNT = 100;

/**
 * Encode spoken samples to the asked format with ffmpeg. Duration and waveform peaks come
 * from the samples themselves, whoever spoke them.
 */
export async function encodeVoice({ sampleRate, samples }: Pcm, format: VoiceParams['format'], signal: AbortSignal): Promise<GeneratedFile> {
  const { contentType, extension, codec } = audioFormats[format];
  const data = await withTempDir(async (dir) => {
    // A file, not stdout: a WAV header can then carry its real sizes.
    const file = join(dir, `voice.${extension}`);
    // Int16Array holds samples in the machine's byte order: little-endian wherever we run.
    const input = ['-v', 'error', '-f', 's16le', '-ar', String(sampleRate), '-ac', '1', '-i', 'pipe:0'];
    await runTool('ffmpeg', [...input, ...codec, '-y', file], { signal, input: Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength) });
    return readFile(file);
  });
  return {
    role: 'output',
    data,
    contentType,
    extension,
    durationSeconds: samples.length / sampleRate,
    peaks: peaksOf(samples, PEAK_COUNT),
  };
}
