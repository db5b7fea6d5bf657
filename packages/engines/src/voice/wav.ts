import { samplesOf, type Pcm } from './pcm.ts';

/**
 * Read the samples of a mono 16-bit WAV. espeak-ng writing to a pipe cannot go back to fill in
 * the sizes, so the data chunk claims nearly 2 GiB: it is taken to end where the bytes do.
 */
export function pcmOfWav(wav: Buffer): Pcm {
  if (wav.toString('latin1', 0, 4) !== 'RIFF' || wav.toString('latin1', 8, 12) !== 'WAVE') throw new Error('not a WAV file');
  let sampleRate: number | undefined;
  for (let offset = 12; offset + 8 <= wav.length; ) {
    const id = wav.toString('latin1', offset, offset + 4);
    const size = wav.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      const channels = wav.readUInt16LE(body + 2);
      const bits = wav.readUInt16LE(body + 14);
      if (channels !== 1 || bits !== 16) throw new Error(`expected mono 16-bit WAV, got ${channels} channels of ${bits} bits`);
      sampleRate = wav.readUInt32LE(body + 4);
    } else if (id === 'data') {
      if (sampleRate === undefined) throw new Error('WAV data comes before its format');
      return { sampleRate, samples: samplesOf(wav.subarray(body, Math.min(wav.length, body + size))) };
    }
    offset = body + size + (size % 2);
  }
  throw new Error('WAV has no data chunk');
}
