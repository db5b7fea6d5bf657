import { randomBytes } from 'node:crypto';

const PREFIX = 'whsec_';

/** 32 random bytes, shown as Standard Webhooks does: `whsec_` + base64. */
export const newWebhookSecret = (): string => PREFIX + randomBytes(32).toString('base64');

/** The key the HMAC uses: the bytes behind the base64, not the text. */
export const keyOfSecret = (secret: string): Buffer => Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64');

/** After a rotation the old secret keeps signing this long, so receivers can switch without a gap. */
export const PREVIOUS_SECRET_SIGNS_FOR_MS = 24 * 3600_000;
