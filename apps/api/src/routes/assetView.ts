import type { AssetView } from '@atelier/contracts';
import type { AssetRow } from '@atelier/db';

/** An asset as the API shows it; its files are reached through the API, which checks the owner. */
export function assetView(asset: AssetRow): AssetView {
  return {
    id: asset.id,
    jobId: asset.jobId,
    source: asset.source,
    kind: asset.kind,
    model: asset.model,
    url: `/api/assets/${asset.id}/content`,
    posterUrl: asset.posterKey ? `/api/assets/${asset.id}/poster` : null,
    contentType: asset.contentType,
    bytes: asset.bytes,
    width: asset.width,
    height: asset.height,
    durationSeconds: asset.durationSeconds,
    blurhash: asset.blurhash,
    peaks: asset.peaks,
    prompt: asset.prompt,
    createdAt: asset.createdAt.toISOString(),
  };
}
