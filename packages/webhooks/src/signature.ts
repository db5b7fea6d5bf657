import { createHmac } from 'node:crypto';
import { keyOfSecret } from './webhookSecret.ts';

/** `v1,` + base64 HMAC-SHA256 of `id.timestamp.body` (Standard Webhooks, symmetric). */
export const signatureOf = (secret: string, webhookId: string, timestamp: number, body: string): string =>
  `v1,${createHmac('sha256', keyOfSecret(secret)).update(`${webhookId}.${timestamp}.${body}`).digest('base64')}`;

/** The `webhook-signature` header: one signature per secret still signing, space-separated. */
export const signatureHeader = (secrets: readonly string[], webhookId: string, timestamp: number, body: string): string =>
  secrets.map((secret) => signatureOf(secret, webhookId, timestamp, body)).join(' ');
