import { JobError } from '@atelier/contracts';
import { runTool, ToolFailedError } from '@atelier/media';
import { samplesOf, type Pcm } from './pcm.ts';

/** Speech needs no more: 24 kHz is what OpenAI's voices speak at. */
const SAMPLE_RATE = 24_000;

/**
 * Decode a provider's audio (MP3, FLAC, WAV, Ogg…) to mono 16-bit samples, played `tempo`
 * times as fast (0.5–2, pitch kept).
 */
export async function decodeToPcm(audio: Buffer, signal: AbortSignal, tempo = 1): Promise<Pcm> {
  const args = ['-v', 'error', '-i', 'pipe:0', '-af', `atempo=${tempo}`, '-f', 's16le', '-ac', '1', '-ar', String(SAMPLE_RATE), 'pipe:1'];
  try {
    const raw = await runTool('ffmpeg', args, { signal, input: audio });
    return { sampleRate: SAMPLE_RATE, samples: samplesOf(raw) };
  } catch (error) {
    if (error instanceof ToolFailedError) throw new JobError('invalid_output', `The provider's audio does not decode: ${error.message}`, { cause: error });
    throw error;
  }
}
