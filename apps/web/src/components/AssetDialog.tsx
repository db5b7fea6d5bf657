import { useEffect, useRef, useState } from 'react';
import { useAssetDetails, useDeleteAsset, useModelName } from '../api/queries.ts';
import type { Asset } from '../api/types.ts';
import { downloadName, formatDate, formatClock, kindLabels } from '../lib/format.ts';
import { BlurhashCanvas } from './BlurhashCanvas.tsx';
import { ErrorNotice } from './ErrorNotice.tsx';
import { FadeImage } from './FadeImage.tsx';
import { AssetRecipe } from './AssetRecipe.tsx';
import { ResultActions } from './ResultActions.tsx';
import { VoicePlayer } from './VoicePlayer.tsx';

interface AssetDialogProps {
  asset: Asset;
  onClose: () => void;
  /** Open another result: a parent or child named in the recipe. */
  onOpen: (asset: Asset) => void;
  /** ← and → step through the gallery; absent at either end. */
  onPrevious?: () => void;
  onNext?: () => void;
}

/**
 * The lightbox: one asset, large, with what made it, download and delete, ← and → to step
 * through the gallery. A native modal dialog: Esc closes, focus is kept inside.
 */
export function AssetDialog({ asset, onClose, onOpen, onPrevious, onNext }: AssetDialogProps) {
  const modelName = useModelName();
  const ref = useRef<HTMLDialogElement>(null);
  const [confirming, setConfirming] = useState(false);
  const remove = useDeleteAsset();
  const recipe = useAssetDetails(asset.id).data?.recipe;
  const width = asset.width ?? 512;
  const height = asset.height ?? 512;

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  // A delete half-confirmed for one result is not confirmed for the next.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the reset is keyed on the asset shown
  useEffect(() => setConfirming(false), [asset.id]);

  return (
    <dialog
      ref={ref}
      className="asset-dialog"
      aria-labelledby="asset-dialog-title"
      onKeyDown={(event) => {
        // The players' own controls take the arrows while they have focus.
        if (event.target instanceof HTMLMediaElement) return;
        const step = event.key === 'ArrowLeft' ? onPrevious : event.key === 'ArrowRight' ? onNext : undefined;
        if (!step) return;
        event.preventDefault();
        step();
      }}
      // `close` is queued: one from an earlier close() can land after the dialog was shown again
      // (StrictMode runs the effect twice in development). Only a dialog still closed is done.
      onClose={(event) => {
        if (!event.currentTarget.open) onClose();
      }}
    >
      <div className="asset-dialog-media">
        {asset.kind === 'image' ? (
          <div className="frame" style={{ aspectRatio: `${width} / ${height}` }}>
            {asset.blurhash ? <BlurhashCanvas hash={asset.blurhash} width={width} height={height} /> : null}
            <FadeImage src={asset.url} alt={asset.prompt} width={width} height={height} />
          </div>
        ) : asset.kind === 'video' ? (
          // biome-ignore lint/a11y/useMediaCaption: the generated videos are silent; the prompt is their label
          <video
            className="media"
            src={asset.url}
            poster={asset.posterUrl ?? undefined}
            controls
            playsInline
            width={width}
            height={height}
            aria-label={`Video: ${asset.prompt}`}
          />
        ) : (
          <VoicePlayer src={asset.url} peaks={asset.peaks ?? undefined} label={`Voice clip: ${asset.prompt}`} />
        )}
      </div>
      <div className="asset-dialog-body">
        <h2 id="asset-dialog-title">{asset.prompt}</h2>
        <p className="muted">
          {kindLabels[asset.kind]} · {asset.model === null ? 'Uploaded' : modelName(asset.model)}
          {asset.width && asset.height ? ` · ${asset.width}×${asset.height}` : ''}
          {asset.durationSeconds ? ` · ${formatClock(asset.durationSeconds)}` : ''} · {formatDate(asset.createdAt)}
        </p>
        <AssetRecipe asset={asset} onOpen={onOpen} />
        {asset.kind === 'image' ? <ResultActions assetId={asset.id} recipe={recipe ? { ...recipe, prompt: asset.prompt } : null} onDone={onClose} /> : null}
        <div className="job-actions">
          <a className="button button-primary" href={asset.url} download={downloadName(asset.kind, asset.prompt, asset.contentType)}>
            Download
          </a>
          {confirming ? (
            <button type="button" className="button button-danger" disabled={remove.isPending} onClick={() => remove.mutate(asset.id, { onSuccess: onClose })}>
              {remove.isPending ? 'Deleting…' : 'Delete for good'}
            </button>
          ) : (
            <button type="button" className="button button-quiet" onClick={() => setConfirming(true)}>
              Delete
            </button>
          )}
          <button
            type="button"
            className="button button-quiet"
            onClick={onPrevious}
            disabled={!onPrevious}
            aria-label="Previous result"
            aria-keyshortcuts="ArrowLeft"
          >
            ←
          </button>
          <button type="button" className="button button-quiet" onClick={onNext} disabled={!onNext} aria-label="Next result" aria-keyshortcuts="ArrowRight">
            →
          </button>
          <button type="button" className="button button-quiet" onClick={onClose}>
            Close
          </button>
        </div>
        {remove.isError ? <ErrorNotice error={remove.error} /> : null}
      </div>
    </dialog>
  );
}
