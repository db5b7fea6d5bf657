import { z } from 'zod';
import { authConfig, billingConfig, databaseConfig, logConfig, port, positiveInt, redisConfig, storageConfig } from '@atelier/config';

export const apiConfigSchema = z.object({
  ...databaseConfig,
  ...redisConfig,
  ...storageConfig,
  ...logConfig,
  ...authConfig,
  ...billingConfig,
  PORT: port(3000),
  HOST: z.string().default('0.0.0.0'),
  /** JSON bodies above this are refused with 413. */
  BODY_LIMIT_BYTES: positiveInt(64 * 1024),
  SSE_HEARTBEAT_MS: positiveInt(15_000),
  /** Told to clients in the SSE `retry:` field: how soon to reconnect. */
  SSE_RETRY_MS: positiveInt(1_000),
  /** How often waiting jobs' streams are told their queue position. */
  QUEUE_POSITION_INTERVAL_MS: positiveInt(2_000),
  /** Comma-separated emails of the accounts that may use /api/admin (queue pause, resume, concurrency, dead letters). */
  ADMIN_EMAILS: z
    .string()
    .default('')
    .transform((value) => value.split(',').map((email) => email.trim().toLowerCase()).filter(Boolean)),
});

export type ApiConfig = z.infer<typeof apiConfigSchema>;
