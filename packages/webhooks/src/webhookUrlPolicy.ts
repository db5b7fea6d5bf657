import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { AppError } from '@atelier/contracts';
import { bareHost, isCallableAddress } from './addressPolicy.ts';

/** What the operator allows: plain http (local receivers), and private addresses. */
export interface WebhookUrlPolicy {
  allowHttp: boolean;
  allowPrivate: boolean;
}

/** The URL, or `webhook_url_invalid` when it is malformed or its scheme is not allowed. */
export function parseWebhookUrl(raw: string, policy: WebhookUrlPolicy): URL {
  if (!URL.canParse(raw)) throw new AppError('webhook_url_invalid', 'webhook: not a URL');
  const url = new URL(raw);
  const schemes = policy.allowHttp ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol)) throw new AppError('webhook_url_invalid', `webhook: must be an ${schemes.join(' or ').replaceAll(':', '')} URL`);
  if (!url.hostname) throw new AppError('webhook_url_invalid', 'webhook: has no host');
  return url;
}

/**
 * Checked at submit: the scheme, then every address the host resolves to. Delivery checks
 * again against the address it connects to (`guardedLookup`), since DNS may answer otherwise
 * by then. Returns the URL as it will be called.
 */
export async function checkWebhookUrl(raw: string, policy: WebhookUrlPolicy): Promise<string> {
  const url = parseWebhookUrl(raw, policy);
  if (policy.allowPrivate) return url.href;
  const host = bareHost(url);
  const addresses = isIP(host) ? [host] : await resolveAll(host);
  const refused = addresses.find((address) => !isCallableAddress(address));
  if (refused !== undefined) throw new AppError('webhook_url_refused', `webhook: ${host} resolves to ${refused}, which this server does not call`);
  return url.href;
}

async function resolveAll(host: string): Promise<string[]> {
  try {
    return (await lookup(host, { all: true })).map((entry) => entry.address);
  } catch (error) {
    throw new AppError('webhook_url_invalid', `webhook: ${host} could not be resolved (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}
