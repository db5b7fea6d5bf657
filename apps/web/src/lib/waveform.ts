/**
 * Reduce a voice clip's peaks (any length, any scale) to `count` bar heights between a small
 * floor and 1, so every clip draws the same number of bars and silence still shows a line.
 */
export function barsFromPeaks(peaks: readonly number[], count: number): number[] {
  const values = peaks.map((peak) => (Number.isFinite(peak) ? Math.abs(peak) : 0));
  if (values.length === 0 || count <= 0) return [];
  const bars: number[] = [];
  const per = values.length / count;
  for (let i = 0; i < count; i++) {
    const start = Math.floor(i * per);
    const end = Math.max(start + 1, Math.floor((i + 1) * per));
    let max = 0;
    for (let j = start; j < end && j < values.length; j++) max = Math.max(max, values[j]!);
    bars.push(max);
  }
  const top = Math.max(...bars);
  const floor = 0.04;
  return bars.map((bar) => (top > 0 ? floor + (1 - floor) * (bar / top) : floor));
}
