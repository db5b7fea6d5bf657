/** A rectangle of the input picture, in its pixels. */
export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Tile {
  row: number;
  /** The part of the input this tile answers for; the tiles' cores cover the picture once. */
  core: Region;
  /** The core and up to `overlap` pixels around it, inside the picture: what the model sees. */
  context: Region;
}

/**
 * Cuts a picture into rows of tiles of at most `side` pixels, each given `overlap` pixels of
 * its neighbours as context. Only a tile's core is kept: with an overlap at least the
 * network's reach, every kept pixel saw the same neighbourhood it would in one whole-picture
 * run, so no seam can show. Where a tile meets the picture's edge it gets no context there,
 * exactly as the whole picture's own edge does.
 */
export function planTiles(width: number, height: number, side: number, overlap: number): Tile[][] {
  const rows: Tile[][] = [];
  for (let y = 0; y < height; y += side) {
    const row: Tile[] = [];
    for (let x = 0; x < width; x += side) {
      const core = { x, y, width: Math.min(side, width - x), height: Math.min(side, height - y) };
      row.push({ row: rows.length, core, context: grow(core, overlap, width, height) });
    }
    rows.push(row);
  }
  return rows;
}

function grow(core: Region, by: number, width: number, height: number): Region {
  const left = Math.max(0, core.x - by);
  const top = Math.max(0, core.y - by);
  const right = Math.min(width, core.x + core.width + by);
  const bottom = Math.min(height, core.y + core.height + by);
  return { x: left, y: top, width: right - left, height: bottom - top };
}
