import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '@atelier/contracts';

/** The query of a local-disk download link, as the API's `/files/*` route receives it. */
export interface SignedRequest {
  key: string;
  /** Unix time in seconds after which the link is refused. */
  expires: string | number;
  signature: string;
}

/**
 * HMAC-SHA256 of the key and expiry time, base64url (URL-safe, no padding). A newline sits
 * between the two because no valid key contains one: without it, key `a1` expiring at `23` and
 * key `a` expiring at `123` would share a signature.
 */
export function signFileLink(key: string, expires: number, secret: string): string {
  return createHmac('sha256', secret).update(`${key}\n${expires}`).digest('base64url');
}

/**
 * Checks a download link signed by the local-disk store. The signature is checked before the
 * expiry so that a forged link learns nothing about time; both checks throw AppError:
 * `link_invalid` (tampered key, expiry or signature) or `link_expired`.
 */
export function verifySignedRequest(request: SignedRequest, secret: string, now: Date = new Date()): void {
  const expires = parseExpires(request.expires);
  const expected = signFileLink(request.key, expires, secret);
  if (!sameText(expected, request.signature)) throw new AppError('link_invalid');
  if (now.getTime() >= expires * 1000) throw new AppError('link_expired');
}

function parseExpires(expires: string | number): number {
  const text = String(expires);
  if (!/^\d{1,12}$/.test(text)) throw new AppError('link_invalid');
  return Number(text);
}

/**
 * Compares the texts themselves rather than decoded bytes: Node's base64url decoder skips
 * characters it does not know, so a decoded comparison would accept a signature with junk
 * appended. `timingSafeEqual` needs equal lengths; the length of an HMAC is no secret.
 */
function sameText(expected: string, provided: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(provided, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
