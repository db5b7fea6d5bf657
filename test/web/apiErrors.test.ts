import { describe, expect, it } from 'vitest';
import { ApiError, errorFromResponse, isUnauthenticated, messageOf } from '../../apps/web/src/api/errors.ts';

describe('errorFromResponse', () => {
  it('keeps the API code and message', () => {
    const error = errorFromResponse(402, JSON.stringify({ error: { code: 'insufficient_credits', message: 'Not enough credits for this job.' } }));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'insufficient_credits', message: 'Not enough credits for this job.', status: 402 });
  });

  it('fills a missing message from the contracts registry', () => {
    expect(errorFromResponse(501, '{"error":{"code":"billing_not_configured"}}').message).toBe('Billing is not configured on this server.');
  });

  it('recognises the signed-out answer', () => {
    expect(isUnauthenticated(errorFromResponse(401, '{"error":{"code":"unauthenticated","message":"Sign in."}}'))).toBe(true);
    expect(isUnauthenticated(errorFromResponse(401, ''))).toBe(true);
    expect(isUnauthenticated(errorFromResponse(404, ''))).toBe(false);
  });

  it('turns bodies that are not API errors into a readable message, never the body', () => {
    const html = '<!doctype html><h1>Not Found</h1><pre>Error: at Object.<anonymous> (/srv/x.js:1:1)</pre>';
    const error = errorFromResponse(404, html);
    expect(error.code).toBe('http_404');
    expect(error.message).not.toContain('<');
    expect(error.message).not.toContain('x.js');
    expect(errorFromResponse(502, '{"oops":true}').message).toMatch(/HTTP 502/);
  });

  it('never shows a stray exception to a person', () => {
    expect(messageOf(new TypeError("Cannot read properties of undefined (reading 'x')"))).not.toMatch(/undefined/);
  });
});
