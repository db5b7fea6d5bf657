import { useAssetDetails, useAssetLineage } from '../api/queries.ts';
import type { Asset } from '../api/types.ts';
import { formatCredits } from '../lib/format.ts';

/** The params a person reads, in the order they think of them; the seed is what re-makes a result. */
const shownParams = ['seed', 'width', 'height', 'steps', 'seconds', 'fps', 'voice', 'speed', 'format'];

/** Beside a result in the lightbox: what made it, and the results it came from and led to (a click opens them). */
export function AssetRecipe({ asset, onOpen }: { asset: Asset; onOpen: (asset: Asset) => void }) {
  const details = useAssetDetails(asset.id);
  const lineage = useAssetLineage(asset.id);
  const recipe = details.data?.recipe;
  const parent = lineage.data?.ancestors.find((entry) => entry.depth === 1)?.asset;
  const children = lineage.data?.descendants.filter((entry) => entry.depth === 1).map((entry) => entry.asset) ?? [];

  return (
    <dl className="asset-recipe" aria-label="How this was made">
      {asset.source === 'upload' ? (
        <>
          <dt>Source</dt>
          <dd>Your upload</dd>
        </>
      ) : null}
      {recipe ? (
        <>
          {Object.entries(recipe.params)
            .filter(([name]) => shownParams.includes(name))
            .sort(([a], [b]) => shownParams.indexOf(a) - shownParams.indexOf(b))
            .map(([name, value]) => (
              <div key={name} className="asset-recipe-row">
                <dt>{name}</dt>
                <dd>{String(value)}</dd>
              </div>
            ))}
          <div className="asset-recipe-row">
            <dt>cost</dt>
            <dd>{formatCredits(recipe.cost)}</dd>
          </div>
        </>
      ) : null}
      {parent ? (
        <div className="asset-recipe-row">
          <dt>made from</dt>
          <dd>
            <LineageLink asset={parent} onOpen={onOpen} />
          </dd>
        </div>
      ) : null}
      {children.length > 0 ? (
        <div className="asset-recipe-row">
          <dt>led to</dt>
          <dd className="asset-recipe-links">
            {children.map((child) => (
              <LineageLink key={child.id} asset={child} onOpen={onOpen} />
            ))}
          </dd>
        </div>
      ) : null}
    </dl>
  );
}

function LineageLink({ asset, onOpen }: { asset: Asset; onOpen: (asset: Asset) => void }) {
  const label = asset.source === 'upload' ? 'your upload' : asset.prompt || 'a result';
  return (
    <button type="button" className="link-button" onClick={() => onOpen(asset)}>
      {asset.kind === 'image' ? <img src={asset.url} alt="" width={32} height={32} className="lineage-thumb" /> : null}
      {label}
    </button>
  );
}
