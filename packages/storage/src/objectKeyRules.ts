import { AppError } from '@atelier/contracts';

/**
 * What an object key may look like, for both drivers. The local driver turns keys into file
 * paths, so a key must never climb out of its directory; the S3 driver enforces the same rules
 * so that a key accepted by one driver is accepted by the other and switching drivers never
 * strands an object.
 */
const MAX_KEY_BYTES = 1024; // S3's own limit on a key's UTF-8 length.

function refuse(key: string, reason: string): never {
  throw new AppError('bad_request', `Object key ${JSON.stringify(key)} is not allowed: ${reason}.`);
}

/** Checks one `/`-separated part of a key or prefix. */
function assertValidKeySegment(key: string, segment: string): void {
  if (segment === '') refuse(key, 'it has an empty path segment');
  if (segment === '.' || segment === '..') refuse(key, 'it has a "." or ".." segment');
}

function assertNoForbiddenCharacters(key: string): void {
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) refuse(key, `it is longer than ${MAX_KEY_BYTES} bytes`);
  if (key.startsWith('/')) refuse(key, 'it is an absolute path');
  if (key.includes('\\')) refuse(key, 'it contains a backslash');
  // Control characters (NUL above all) end C strings early in file-system calls.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
  if (/[\u0000-\u001f\u007f]/.test(key)) refuse(key, 'it contains a control character');
}

/** Throws AppError('bad_request') unless `key` names one object safely. */
export function assertValidObjectKey(key: string): void {
  if (key === '') refuse(key, 'it is empty');
  assertNoForbiddenCharacters(key);
  for (const segment of key.split('/')) assertValidKeySegment(key, segment);
}

/**
 * Throws AppError('bad_request') unless `prefix` is a safe, non-empty prefix. An empty prefix
 * is refused because it would delete every object in the store. A trailing `/` is allowed.
 */
export function assertValidObjectPrefix(prefix: string): void {
  if (prefix === '') refuse(prefix, 'an empty prefix would match every object');
  assertNoForbiddenCharacters(prefix);
  const segments = prefix.split('/');
  if (prefix.endsWith('/')) segments.pop();
  for (const segment of segments) assertValidKeySegment(prefix, segment);
}
