import { describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { keyOfSecret, newWebhookSecret, signatureHeader, signatureOf } from '@atelier/webhooks';

// The reference implementation of Standard Webhooks checks our signatures; the timestamp is
// taken from the clock at the time of the test, since the reference refuses old ones.
const now = () => Math.floor(Date.now() / 1000);
const headersOf = (id: string, timestamp: number, signature: string) => ({
  'webhook-id': id,
  'webhook-timestamp': String(timestamp),
  'webhook-signature': signature,
});

describe('Standard Webhooks signatures', () => {
  it('a secret is whsec_ and 32 random bytes in base64', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(keyOfSecret(secret)).toHaveLength(32);
    expect(newWebhookSecret()).not.toBe(secret);
  });

  it('what we sign, the reference implementation verifies; a changed body or id does not', () => {
    const secret = newWebhookSecret();
    const body = JSON.stringify({ type: 'job.completed', timestamp: '2026-01-01T00:00:00.000Z', data: { id: 'x', status: 'succeeded' } });
    const timestamp = now();
    const signature = signatureOf(secret, 'msg_1', timestamp, body);
    expect(signature).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(new Webhook(secret).verify(body, headersOf('msg_1', timestamp, signature))).toEqual(JSON.parse(body));
    expect(() => new Webhook(secret).verify(body.replace('succeeded', 'failed'), headersOf('msg_1', timestamp, signature))).toThrow();
    expect(() => new Webhook(secret).verify(body, headersOf('msg_2', timestamp, signature))).toThrow();
    expect(() => new Webhook(newWebhookSecret()).verify(body, headersOf('msg_1', timestamp, signature))).toThrow();
  });

  it('with two secrets signing, each verifies the one header on its own', () => {
    const [current, previous] = [newWebhookSecret(), newWebhookSecret()];
    const timestamp = now();
    const header = signatureHeader([current, previous], 'msg_1', timestamp, '{}');
    expect(header.split(' ')).toHaveLength(2);
    expect(new Webhook(current).verify('{}', headersOf('msg_1', timestamp, header))).toEqual({});
    expect(new Webhook(previous).verify('{}', headersOf('msg_1', timestamp, header))).toEqual({});
    expect(() => new Webhook(newWebhookSecret()).verify('{}', headersOf('msg_1', timestamp, header))).toThrow();
  });
});
