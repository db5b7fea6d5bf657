import { describe, expect, it } from 'vitest';
import { AppError } from '@atelier/contracts';
import { checkWebhookUrl, isCallableAddress, parseWebhookUrl } from '@atelier/webhooks';

const refused = [
  ['127.0.0.1', 'loopback'],
  ['127.8.9.10', 'loopback'],
  ['::1', 'IPv6 loopback'],
  ['10.1.2.3', 'private'],
  ['172.16.0.1', 'private'],
  ['192.168.1.1', 'private'],
  ['169.254.169.254', 'link-local: cloud metadata'],
  ['100.100.100.200', 'carrier-grade NAT: Alibaba metadata'],
  ['fd00:ec2::254', 'unique-local: AWS IPv6 metadata'],
  ['fe80::1', 'IPv6 link-local'],
  ['224.0.0.1', 'multicast'],
  ['ff02::1', 'IPv6 multicast'],
  ['0.0.0.0', 'unspecified'],
  ['::', 'IPv6 unspecified'],
  ['255.255.255.255', 'broadcast'],
  ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
  ['::ffff:169.254.169.254', 'IPv4-mapped metadata'],
  ['::ffff:10.0.0.1', 'IPv4-mapped private'],
  ['64:ff9b::a9fe:a9fe', 'NAT64 of metadata'],
  ['not an address', 'not an address'],
] as const;

describe('the address policy', () => {
  it.each(refused)('refuses %s (%s)', (address) => expect(isCallableAddress(address)).toBe(false));

  it.each(['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('allows the public address %s', (address) =>
    expect(isCallableAddress(address)).toBe(true),
  );
});

const policy = { allowHttp: false, allowPrivate: false };
const codeOf = (work: () => unknown) =>
  Promise.resolve()
    .then(work)
    .then(
      () => null,
      (error: unknown) => (error instanceof AppError ? error.code : error),
    );

describe('a webhook URL at submit', () => {
  it('refuses what is not an https URL unless plain http is allowed', async () => {
    expect(await codeOf(() => parseWebhookUrl('not a url', policy))).toBe('webhook_url_invalid');
    expect(await codeOf(() => parseWebhookUrl('ftp://example.com/hook', policy))).toBe('webhook_url_invalid');
    expect(await codeOf(() => parseWebhookUrl('http://example.com/hook', policy))).toBe('webhook_url_invalid');
    expect(parseWebhookUrl('http://example.com/hook', { ...policy, allowHttp: true }).href).toBe('http://example.com/hook');
  });

  it('refuses literal and named hosts that resolve to addresses webhooks do not call', async () => {
    for (const url of [
      'https://127.0.0.1/h',
      'https://[::1]/h',
      'https://[::ffff:7f00:1]/h',
      'https://169.254.169.254/latest',
      'https://2130706433/h',
      'https://localhost/h',
    ]) {
      expect(await codeOf(() => checkWebhookUrl(url, policy)), url).toBe('webhook_url_refused');
    }
  });

  it('lets any address through when the operator allows private ones', async () => {
    expect(await checkWebhookUrl('https://127.0.0.1:8443/h', { ...policy, allowPrivate: true })).toBe('https://127.0.0.1:8443/h');
  });
});
