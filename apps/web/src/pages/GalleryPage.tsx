import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { JobKind } from '@atelier/contracts';
import { useAssets } from '../api/queries.ts';
import type { Asset } from '../api/types.ts';
import { AssetDialog } from '../components/AssetDialog.tsx';
import { AssetTile } from '../components/AssetTile.tsx';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { KindSwitch } from '../components/KindSwitch.tsx';
import { LoadMore } from '../components/LoadMore.tsx';

type Filter = JobKind | 'all';

export function GalleryPage() {
  const [search, setSearch] = useSearchParams();
  const parsedKind = JobKind.safeParse(search.get('kind'));
  const kind: Filter = parsedKind.success ? parsedKind.data : 'all';
  const assets = useAssets(kind);
  const [open, setOpen] = useState<Asset | null>(null);
  const items = assets.data?.pages.flatMap((page) => page.items) ?? [];
  // A parent or child opened from the recipe may not be on the loaded pages: then there is no step.
  const openAt = open ? items.findIndex((item) => item.id === open.id) : -1;

  return (
    <div className="page">
      <title>Gallery · Atelier</title>
      <div className="page-head">
        <h1>Gallery</h1>
        <KindSwitch<Filter>
          legend="Show"
          name="gallery-kind"
          value={kind}
          extra={{ all: 'All' }}
          onChange={(next) => setSearch(next === 'all' ? {} : { kind: next }, { replace: true })}
        />
      </div>
      {assets.isPending ? (
        <p className="muted" role="status">
          Loading your gallery…
        </p>
      ) : null}
      {assets.isError ? <ErrorNotice error={assets.error} /> : null}
      {assets.isSuccess && items.length === 0 ? (
        <p className="empty">
          Nothing here yet. <Link to="/">Create something</Link>.
        </p>
      ) : null}
      <ul className="gallery" aria-label="Your media, newest first">
        {items.map((asset) => (
          <AssetTile key={asset.id} asset={asset} onOpen={setOpen} />
        ))}
      </ul>
      <LoadMore hasMore={assets.hasNextPage} loading={assets.isFetchingNextPage} onLoad={() => void assets.fetchNextPage()} />
      {open ? (
        <AssetDialog
          asset={open}
          onClose={() => setOpen(null)}
          onOpen={setOpen}
          onPrevious={openAt > 0 ? () => setOpen(items[openAt - 1]!) : undefined}
          onNext={openAt >= 0 && openAt < items.length - 1 ? () => setOpen(items[openAt + 1]!) : undefined}
        />
      ) : null}
    </div>
  );
}
