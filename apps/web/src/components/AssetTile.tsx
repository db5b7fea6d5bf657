import type { Asset } from '../api/types.ts';
import { formatClock, kindLabels } from '../lib/format.ts';
import { AssetPreview } from './AssetPreview.tsx';

export function AssetTile({ asset, onOpen }: { asset: Asset; onOpen: (asset: Asset) => void }) {
  return (
    <li className="tile">
      <button type="button" className="tile-button" onClick={() => onOpen(asset)} aria-label={`Open ${kindLabels[asset.kind].toLowerCase()}: ${asset.prompt}`}>
        <AssetPreview asset={asset} />
        <span className="tile-caption">
          <span className="tile-prompt">{asset.prompt}</span>
          <span className="tile-kind">
            {kindLabels[asset.kind]}
            {asset.durationSeconds ? ` · ${formatClock(asset.durationSeconds)}` : ''}
          </span>
        </span>
      </button>
    </li>
  );
}
