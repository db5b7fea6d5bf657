/**
 * A waveform summary for drawing: the loudest sample of each of `count` equal stretches, as
 * a fraction of full scale (0–1). Stretches past the end of a very short clip are silent.
 */
export function peaksOf(samples: Int16Array, count: number): number[] {
  return Array.from({ length: count }, (_, bucket) => {
    const start = Math.floor((bucket * samples.length) / count);
    const end = Math.floor(((bucket + 1) * samples.length) / count);
    let peak = 0;
    for (let index = start; index < end; index++) peak = Math.max(peak, Math.abs(samples[index]!));
    return Math.min(1, peak / 32768);
  });
}
