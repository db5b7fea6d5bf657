import { useState } from 'react';
import { Waveform } from './Waveform.tsx';

interface Props {
  src: string;
  peaks: readonly number[] | undefined;
  label: string;
}

/** The clip's waveform (from the `output` event's peaks) above a native audio player. */
export function VoicePlayer({ src, peaks, label }: Props) {
  const [played, setPlayed] = useState(0);
  return (
    <div className="voice">
      {peaks && peaks.length > 0 ? <Waveform peaks={peaks} played={played} /> : null}
      {/* biome-ignore lint/a11y/useMediaCaption: the clip speaks its prompt, which is shown as its label; an audio element shows no captions */}
      <audio
        controls
        preload="metadata"
        src={src}
        aria-label={label}
        onTimeUpdate={(event) => {
          const audio = event.currentTarget;
          setPlayed(audio.duration > 0 ? audio.currentTime / audio.duration : 0);
        }}
      />
    </div>
  );
}
