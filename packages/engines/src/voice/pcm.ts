/** Mono 16-bit samples and their rate: what every voice engine hands to the encoder. */
export interface Pcm {
  sampleRate: number;
  samples: Int16Array;
}

/** 16-bit little-endian samples, copied so that they are aligned whatever the buffer's offset. */
export function samplesOf(raw: Buffer): Int16Array {
  const samples = new Int16Array(Math.floor(raw.length / 2));
  for (let index = 0; index < samples.length; index++) samples[index] = raw.readInt16LE(index * 2);
  return samples;
}
