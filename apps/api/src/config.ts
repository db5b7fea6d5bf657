import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import {
  authConfig,
  billingConfig,
  catalogConfig,
  databaseConfig,
  logConfig,
  port,
  positiveInt,
  productionSecrets,
  redisConfig,
  storageConfig,
  webhookPolicyConfig,
} from '@atelier/config';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
/** A folder of a build: a relative value is taken from the repository root, wherever the process started. */
const buildDir = (fallback: string) =>
  z
    .string()
    .min(1)
    .default(fallback)
    .transform((dir) => resolve(repoRoot, dir));

export const apiConfigSchema = z
  .object({
    ...databaseConfig,
    ...redisConfig,
    ...storageConfig,
    ...logConfig,
    ...authConfig,
    ...billingConfig,
    ...webhookPolicyConfig,
    ...catalogConfig,
    PORT: port(3000),
    HOST: z.string().default('0.0.0.0'),
    /** JSON bodies above this are refused with 413. */
    BODY_LIMIT_BYTES: positiveInt(64 * 1024),
    SSE_HEARTBEAT_MS: positiveInt(15_000),
    /** Told to clients in the SSE `retry:` field: how soon to reconnect. */
    SSE_RETRY_MS: positiveInt(1_000),
    /** How often waiting jobs' streams are told their queue position. */
    QUEUE_POSITION_INTERVAL_MS: positiveInt(2_000),
    /** Open job streams one user may hold across every API process (counted in Redis); past it, 429 `rate_limited`. */
    SSE_MAX_STREAMS_PER_USER: positiveInt(64),
    /** Requests one user may make per window, across every API process (counted in Redis). */
    RATE_LIMIT_MAX: positiveInt(1_200),
    /** Submits (`POST /api/generate/:kind`) one user may make per window; counted apart from the rest. */
    SUBMIT_RATE_LIMIT_MAX: positiveInt(120),
    /**
     * How long an API key's owner is remembered (apps/api/src/auth/apiKeyCache.ts); 0 reads the
     * database on every request. Needs LISTEN on DATABASE_URL: behind PgBouncer in transaction
     * mode, set 0.
     */
    AUTH_CACHE_TTL_MS: z.coerce.number().int().min(0).default(30_000),
    /**
     * Submits one user may make in any one second, within the window's allowance: without it a
     * user could spend the whole minute's 120 in the first tenth of a second, and that burst of
     * jobs slows everyone sharing the machine (bench/flood.ts).
     */
    SUBMIT_BURST_MAX: positiveInt(10),
    RATE_LIMIT_WINDOW_MS: positiveInt(60_000),
    /**
     * Credentials that name nobody (a wrong API key, an unknown session) one client address may
     * send per window, across every API process; past it the address gets 429 before anything is
     * looked up. Counted per address: behind a proxy, set TRUST_PROXY so the address is the client's.
     */
    AUTH_FAILURE_MAX: positiveInt(30),
    AUTH_FAILURE_WINDOW_MS: positiveInt(60_000),
    /** Sign-ins one client address may start (`GET /auth/google`) per AUTH_FAILURE_WINDOW_MS. */
    LOGIN_START_MAX: positiveInt(20),
    /** Sign-ins in progress kept in Redis at once, across every address; past it new ones wait (429). */
    LOGIN_STATES_MAX: positiveInt(10_000),
    /**
     * Whose address a request is from when proxies stand in front: unset, the socket's peer;
     * `true`, the left-most X-Forwarded-For (only behind a proxy that sets it); otherwise a
     * comma-separated list of the proxies' addresses or CIDR ranges (Fastify's trustProxy).
     */
    TRUST_PROXY: z
      .string()
      .optional()
      .transform((value): boolean | string => {
        if (value === undefined || value === '' || value === 'false') return false;
        return value === 'true' ? true : value;
      }),
    /** A client must send its request line and headers within this (slow-header attacks). */
    HTTP_HEADERS_TIMEOUT_MS: positiveInt(10_000),
    /** …and its whole request, body included, within this. Event streams are not cut: their request is over once sent. */
    HTTP_REQUEST_TIMEOUT_MS: positiveInt(30_000),
    /** On SIGTERM, in-flight requests get this long before the process exits anyway. */
    SHUTDOWN_TIMEOUT_MS: positiveInt(10_000),
    /** Comma-separated emails of the accounts that may use /api/admin (queue pause, resume, concurrency, dead letters). */
    ADMIN_EMAILS: z
      .string()
      .default('')
      .transform((value) =>
        value
          .split(',')
          .map((email) => email.trim().toLowerCase())
          .filter(Boolean),
      ),
    /** The built web app (`npm run build -w @atelier/web`), served at /app. */
    WEB_DIST_DIR: buildDir('apps/web/dist'),
    /** The built landing page (`npm run build -w @atelier/landing`), served at /. */
    LANDING_DIST_DIR: buildDir('apps/landing/dist'),
  })
  .superRefine(productionSecrets);

export type ApiConfig = z.infer<typeof apiConfigSchema>;
