/**
 * `${baseUrl}/${key}` with each path segment of the key percent-encoded, so that a file name
 * with spaces, `#` or `?` still names the right object. A trailing `/` on the base is dropped
 * because configured URLs are written both ways.
 */
export function urlForKey(baseUrl: string, key: string): string {
  const path = key.split('/').map(encodeURIComponent).join('/');
  return `${baseUrl.replace(/\/+$/, '')}/${path}`;
}
