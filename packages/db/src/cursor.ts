/** Keyset cursors: `created_at` exactly as PostgreSQL prints it, and the row id, opaque to clients. */
export interface KeysetCursor {
  createdAt: string;
  id: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const encodeCursor = (createdAtText: string, id: string): string => Buffer.from(`${createdAtText}|${id}`).toString('base64url');

export function decodeCursor(cursor: string): KeysetCursor | null {
  const [createdAt, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (!createdAt || !id || Number.isNaN(Date.parse(createdAt))) return null;
  return { createdAt, id };
}

/** Fetch `limit + 1` rows, keep `limit`, and point the cursor at the last kept one. */
export function pageOf<T extends { createdAtText: string; id: string }>(rows: T[], limit: number): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.createdAtText, last.id) : null };
}
