import { barsFromPeaks } from '../lib/waveform.ts';

interface Props {
  peaks: readonly number[];
  /** Share of the clip played so far, 0 to 1; bars before it are drawn in the accent colour. */
  played?: number;
  bars?: number;
}

export function Waveform({ peaks, played = 0, bars = 64 }: Props) {
  const heights = barsFromPeaks(peaks, bars);
  const gap = 1;
  const barWidth = 3;
  const width = heights.length * (barWidth + gap);
  return (
    <svg className="waveform" viewBox={`0 0 ${width} 40`} preserveAspectRatio="none" role="img" aria-label="Waveform of the voice clip">
      {heights.map((h, i) => (
        <rect
          // biome-ignore lint/suspicious/noArrayIndexKey: a bar is its position; the bars never reorder
          key={i}
          x={i * (barWidth + gap)}
          y={20 - h * 19}
          width={barWidth}
          height={Math.max(1, h * 38)}
          rx={1}
          className={(i + 0.5) / heights.length <= played ? 'bar is-played' : 'bar'}
        />
      ))}
    </svg>
  );
}
