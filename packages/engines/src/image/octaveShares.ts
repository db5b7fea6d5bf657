/**
 * Which octaves of detail step `step` (1-based) of `steps` adds, and what share of each.
 * Step k covers the stretch [(k−1)·n/steps, k·n/steps) of the n octaves, coarse first, so
 * over all steps every octave is added exactly once whatever the number of steps.
 */
export function octaveShares(octaveCount: number, steps: number, step: number): Array<{ octave: number; share: number }> {
  const from = ((step - 1) * octaveCount) / steps;
  const to = (step * octaveCount) / steps;
  const shares: Array<{ octave: number; share: number }> = [];
  for (let octave = Math.floor(from); octave < Math.ceil(to); octave++) {
    const share = Math.min(to, octave + 1) - Math.max(from, octave);
    if (share > 0) shares.push({ octave, share });
  }
  return shares;
}
