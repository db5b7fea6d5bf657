import Stripe from 'stripe';
import { ConfigError } from '@atelier/config';
import type { ApiConfig } from '../config.ts';

/** What checkout and the webhook need; absent (null) when this server takes no payments. */
export interface StripeBilling {
  stripe: Stripe;
  webhookSecret: string;
  proPriceId: string;
}

/**
 * Billing is all or nothing: a secret key without the webhook secret would take money and
 * never hear of it, so a partial configuration stops the process at start-up.
 */
export function createStripeBilling(config: ApiConfig): StripeBilling | null {
  const { STRIPE_SECRET_KEY: key, STRIPE_WEBHOOK_SECRET: webhookSecret, STRIPE_PRICE_PRO: proPriceId } = config;
  if (!key && !webhookSecret && !proPriceId) return null;
  if (key && webhookSecret && proPriceId) {
    const stripe = new Stripe(key, { ...apiLocation(config.STRIPE_API_BASE_URL), maxNetworkRetries: 2, timeout: 10_000 });
    return { stripe, webhookSecret, proPriceId };
  }
  const given = { STRIPE_SECRET_KEY: key, STRIPE_WEBHOOK_SECRET: webhookSecret, STRIPE_PRICE_PRO: proPriceId };
  throw new ConfigError(
    Object.entries(given)
      .filter(([, value]) => !value)
      .map(([name]) => `${name}: required when any STRIPE_ variable is set`),
  );
}

function apiLocation(baseUrl: string | undefined): { host?: string; port?: number; protocol?: 'http' | 'https' } {
  if (!baseUrl) return {};
  const url = new URL(baseUrl);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return { host: url.hostname, port: url.port ? Number(url.port) : protocol === 'http' ? 80 : 443, protocol };
}
