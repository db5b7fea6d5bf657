import { ensureWebhookSecret, rotateWebhookSecret, type Queryable } from '@atelier/db';
import { newWebhookSecret, PREVIOUS_SECRET_SIGNS_FOR_MS } from './webhookSecret.ts';

/** The account's signing secret, made on first use. */
export async function accountSecret(db: Queryable, userId: string): Promise<string> {
  return (await ensureWebhookSecret(db, userId, newWebhookSecret())).secret;
}

/**
 * A new secret; the old one keeps signing for 24 hours after `now` (a parameter, so that a
 * test can rotate "a day ago" without waiting a day or reading today's date).
 */
export async function rotateAccountSecret(db: Queryable, userId: string, now: Date = new Date()) {
  const rotated = await rotateWebhookSecret(db, userId, newWebhookSecret(), new Date(now.getTime() + PREVIOUS_SECRET_SIGNS_FOR_MS));
  return { secret: rotated.secret, previousSecretExpiresAt: rotated.previousSecret === null ? null : rotated.previousExpiresAt };
}
