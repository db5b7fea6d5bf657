import type { Asset } from '../api/types.ts';
import { BlurhashCanvas } from './BlurhashCanvas.tsx';
import { FadeImage } from './FadeImage.tsx';
import { Waveform } from './Waveform.tsx';

/** A gallery tile's picture: the BlurHash at once, the image (or video poster) over it once loaded. */
export function AssetPreview({ asset }: { asset: Asset }) {
  const width = asset.width ?? 512;
  const height = asset.height ?? 512;
  if (asset.kind === 'voice') {
    return (
      <div className="frame frame-voice" aria-hidden="true">
        {asset.peaks && asset.peaks.length > 0 ? <Waveform peaks={asset.peaks} bars={40} /> : <span className="voice-glyph" />}
      </div>
    );
  }
  const picture = asset.kind === 'image' ? asset.url : asset.posterUrl;
  return (
    <div className="frame">
      {asset.blurhash ? <BlurhashCanvas hash={asset.blurhash} width={width} height={height} /> : null}
      {picture ? <FadeImage src={picture} alt="" width={width} height={height} lazy /> : null}
      {!picture && !asset.blurhash ? (
        // biome-ignore lint/a11y/noAriaHiddenOnFocusable: without controls the video is not focusable; it is the card's decoration
        <video className="media" src={`${asset.url}#t=0.1`} preload="metadata" muted playsInline width={width} height={height} aria-hidden="true" />
      ) : null}
      {asset.kind === 'video' ? <span className="play-badge" aria-hidden="true" /> : null}
    </div>
  );
}
