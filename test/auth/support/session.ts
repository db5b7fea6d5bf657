import { createHash } from 'node:crypto';
import type { Pool } from '@atelier/db';

export const sessionHash = (id: string) => createHash('sha256').update(id).digest();

export async function countSessions(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM sessions');
  return rows[0]!.n;
}
