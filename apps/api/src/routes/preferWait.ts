import { AppError, PreferWait } from '@atelier/contracts';

/**
 * The N of `Prefer: wait=N` (RFC 7240; Replicate's synchronous mode), or null when the header
 * asks for no wait. Other preferences in the header are left alone; a wait that is not a whole
 * number from 1 to 60 is 400 `prefer_wait_invalid`, before anything is spent.
 */
export function preferWait(header: string | string[] | undefined): number | null {
  if (header === undefined) return null;
  const preferences = (Array.isArray(header) ? header.join(',') : header).split(',');
  const wait = preferences.map((preference) => preference.split(';')[0]!.trim()).find((token) => /^wait(\s*=|$)/i.test(token));
  if (wait === undefined) return null;
  const value = wait
    .slice(wait.indexOf('=') + 1)
    .trim()
    .replace(/^"(.*)"$/, '$1');
  const seconds = /^\d{1,3}$/.test(value) ? PreferWait.safeParse(value) : null;
  if (!seconds?.success) throw new AppError('prefer_wait_invalid');
  return seconds.data;
}
