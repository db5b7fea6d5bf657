import type { JobStreamState } from '../jobs/streamReducer.ts';
import { BlurhashCanvas } from './BlurhashCanvas.tsx';
import { FadeImage } from './FadeImage.tsx';
import { VoicePlayer } from './VoicePlayer.tsx';

interface Props {
  state: JobStreamState;
  prompt: string;
  /** The size the job asked for: the frame's shape until the preview or output says better. */
  size: { width: number; height: number };
}

/**
 * The picture of a job as it forms: the BlurHash (or a video's first frame) the moment the
 * preview arrives, then the finished image fading in, a playable video, or a voice player.
 */
export function JobMedia({ state, prompt, size }: Props) {
  const { kind, preview, output } = state;
  const done = state.status === 'succeeded' && output;

  if (kind === 'voice') {
    if (done) return <VoicePlayer src={output.url} peaks={output.peaks} label={`Voice clip: ${prompt}`} />;
    return <div className="voice voice-pending" aria-hidden="true" />;
  }

  const width = output?.width ?? preview?.width ?? size.width;
  const height = output?.height ?? preview?.height ?? size.height;
  return (
    <div className="frame" style={{ aspectRatio: `${width} / ${height}` }}>
      {preview?.blurhash ? <BlurhashCanvas hash={preview.blurhash} width={width} height={height} /> : null}
      {!preview?.blurhash && !preview?.firstFrameUrl ? <div className="frame-waiting" aria-hidden="true" /> : null}
      {kind === 'video' && preview?.firstFrameUrl && !done ? (
        <img className="media" src={preview.firstFrameUrl} alt={`First frame of: ${prompt}`} width={width} height={height} />
      ) : null}
      {kind === 'image' && done ? <FadeImage src={output.url} alt={prompt} width={width} height={height} /> : null}
      {kind === 'video' && done ? (
        // biome-ignore lint/a11y/useMediaCaption: the generated videos are silent; the prompt is their label
        <video
          className="media"
          controls
          playsInline
          preload="metadata"
          src={output.url}
          poster={output.posterUrl ?? preview?.firstFrameUrl}
          width={width}
          height={height}
          aria-label={`Video: ${prompt}`}
        />
      ) : null}
    </div>
  );
}
