import type { EngineContext } from './types.ts';

/**
 * Forwards whole percents, each once and only upward: a film of 300 frames makes at most a
 * hundred progress events, not three hundred.
 */
export function progressReporter(progress: EngineContext['progress']): (percent: number, stage?: string) => void {
  let last = -1;
  return (percent, stage) => {
    const whole = Math.min(100, Math.max(0, Math.round(percent)));
    if (whole <= last) return;
    last = whole;
    progress(whole, stage);
  };
}
