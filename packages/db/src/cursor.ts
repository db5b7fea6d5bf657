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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** `created_at::text` as PostgreSQL prints it (DateStyle ISO): `2026-12-05 04:42:29.123456+00`. */
const TIMESTAMP_TEXT = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?[+-]\d{2}(?::\d{2}){0,2}$/;

/** A timestamp PostgreSQL will read back: the shape it prints, and a day that exists. */
function isTimestampText(text: string): boolean {
  const match = TIMESTAMP_TEXT.exec(text);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  const dayExists = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return year >= 1 && dayExists && hour < 24 && minute < 60 && second < 60;
}

/** The cursor, or null when it is not one `encodeCursor` could have made (so nothing odd reaches SQL). */
export function decodeCursor(cursor: string): KeysetCursor | null {
  const parts = Buffer.from(cursor, 'base64url').toString().split('|');
  if (parts.length !== 2) return null;
  const [createdAt, id] = parts as [string, string];
  return isTimestampText(createdAt) && UUID.test(id) ? { createdAt, id } : null;
}

/** Fetch `limit + 1` rows, keep `limit`, and point the cursor at the last kept one. */
export function pageOf<T extends { createdAtText: string; id: string }>(rows: T[], limit: number): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.createdAtText, last.id) : null };
}
