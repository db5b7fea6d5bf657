import { describe, expect, it } from 'vitest';
import { canonicalLoopbackUrl } from '../../apps/api/src/plugins/canonicalLoopback.ts';

const localhost = new URL('http://localhost:3000');

describe('pages asked for by another loopback name go to PUBLIC_URL', () => {
  it('moves 127.0.0.1 and [::1] pages to localhost, path and query kept', () => {
    expect(canonicalLoopbackUrl(localhost, '127.0.0.1:3000', '/app/gallery?x=1')).toBe('http://localhost:3000/app/gallery?x=1');
    expect(canonicalLoopbackUrl(localhost, '[::1]:3000', '/auth/google')).toBe('http://localhost:3000/auth/google');
    expect(canonicalLoopbackUrl(new URL('http://127.0.0.1:3000'), 'localhost:3000', '/')).toBe('http://127.0.0.1:3000/');
  });

  it('leaves the API, file links and health checks on whatever name they used', () => {
    for (const path of ['/api/me', '/files/abc', '/healthz', '/metrics', '/application']) {
      expect(canonicalLoopbackUrl(localhost, '127.0.0.1:3000', path)).toBeNull();
    }
  });

  it('leaves the canonical name, other ports, other hosts and public deployments alone', () => {
    expect(canonicalLoopbackUrl(localhost, 'localhost:3000', '/app')).toBeNull();
    expect(canonicalLoopbackUrl(localhost, '127.0.0.1:4000', '/app')).toBeNull();
    expect(canonicalLoopbackUrl(localhost, '192.168.1.9:3000', '/app')).toBeNull();
    expect(canonicalLoopbackUrl(localhost, undefined, '/app')).toBeNull();
    expect(canonicalLoopbackUrl(localhost, 'bad host:3000', '/app')).toBeNull();
    expect(canonicalLoopbackUrl(new URL('https://atelier.example.com'), '127.0.0.1', '/app')).toBeNull();
  });
});
