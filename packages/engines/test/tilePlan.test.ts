import { describe, expect, it } from 'vitest';
import { planTiles } from '../src/upscale/tilePlan.ts';

describe('tile plan', () => {
  it.each([
    [72, 56, 24, 10],
    [100, 37, 32, 10],
    [128, 128, 128, 10],
    [5, 300, 64, 12],
  ])('covers a %i×%i picture once with the cores of %i px tiles, each seeing %i px around it', (width, height, side, overlap) => {
    const rows = planTiles(width, height, side, overlap);
    const covered = new Uint8Array(width * height);
    rows.forEach((row, index) => {
      for (const { row: rowIndex, core, context } of row) {
        expect(rowIndex).toBe(index);
        for (let y = core.y; y < core.y + core.height; y++) for (let x = core.x; x < core.x + core.width; x++) covered[y * width + x]!++;
        expect(context.x).toBe(Math.max(0, core.x - overlap));
        expect(context.y).toBe(Math.max(0, core.y - overlap));
        expect(context.x + context.width).toBe(Math.min(width, core.x + core.width + overlap));
        expect(context.y + context.height).toBe(Math.min(height, core.y + core.height + overlap));
      }
    });
    expect(covered.every((count) => count === 1)).toBe(true);
    expect(rows).toHaveLength(Math.ceil(height / side));
    expect(rows[0]).toHaveLength(Math.ceil(width / side));
  });
});
