import { z } from 'zod';

/** Environment values are strings; these read them as what they mean. */
export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
export const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
export const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1');
const url = (protocols: string[]) =>
  z
    .string()
    .url()
    .refine((v) => protocols.includes(new URL(v).protocol), `must be a ${protocols.join(' or ')} URL`);

export const databaseConfig = {
  DATABASE_URL: url(['postgres:', 'postgresql:']),
  /**
   * Per process. Small on purpose: on the 2-core development machine 10 per process cost
   * PostgreSQL about 40 % more CPU per job than 5, for no more jobs a second (bench/dispatch.ts).
   */
  DATABASE_POOL_SIZE: positiveInt(5),
  /** Hot statements run by name, planned once per connection; see createPool in @atelier/db. */
  DATABASE_PREPARED_STATEMENTS: flag(true),
};

export const redisConfig = {
  REDIS_URL: url(['redis:', 'rediss:']),
  /** Hash-tagged so that every BullMQ key of a queue lands on one Redis Cluster slot. */
  QUEUE_PREFIX: z.string().min(1).default('{atelier}'),
};

/** Known to everyone who reads this file: fine on a laptop, and refused in production. */
export const DEVELOPMENT_SIGNING_SECRET = 'development-only-signing-secret';
/** 32 characters of a random base64 or hex string is over 128 bits: no one guesses it. */
export const PRODUCTION_SIGNING_SECRET_MIN_LENGTH = 32;

export const storageConfig = {
  STORAGE_DRIVER: z.enum(['local', 's3']).default('local'),
  STORAGE_LOCAL_DIR: z.string().default('./data/objects'),
  /** Signs local-disk download URLs; the API and workers must share it. */
  STORAGE_SIGNING_SECRET: z.string().min(16, 'must be at least 16 characters').default(DEVELOPMENT_SIGNING_SECRET),
  PUBLIC_URL: url(['http:', 'https:']).default('http://localhost:3000'),
  S3_ENDPOINT: url(['http:', 'https:']).optional(),
  S3_REGION: z.string().default('us-east-1'),
  S3_BUCKET: z.string().optional(),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  S3_FORCE_PATH_STYLE: flag(false),
  CDN_BASE_URL: url(['http:', 'https:']).optional(),
  SIGNED_URL_TTL_SECONDS: positiveInt(900),
};

/** What the engines need besides the catalog: providers' keys and addresses (their model ids are catalog entries). */
export const engineConfig = {
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_BASE_URL: url(['http:', 'https:']).optional(),
  HF_TOKEN: z.string().optional(),
  HF_ENDPOINT_URL: url(['http:', 'https:']).optional(),
  /** Threads of the ESRGAN upscaler's pool (createEsrganPool); unset, one per core. */
  UPSCALE_THREADS: z.coerce.number().int().positive().optional(),
};

export const authConfig = {
  OIDC_ISSUER_URL: url(['http:', 'https:']).default('https://accounts.google.com'),
  /** Without it, sign-in answers 501; `atelier up` fills it in with its local development provider. */
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  SESSION_TTL_SECONDS: positiveInt(14 * 24 * 3600),
};

export const billingConfig = {
  /** Without it, checkout and the webhook answer 501 and plans are set with `atelier users plan`. */
  STRIPE_SECRET_KEY: z.string().min(1).optional(),
  STRIPE_WEBHOOK_SECRET: z.string().min(1).optional(),
  /** The recurring Price of the Pro plan. */
  STRIPE_PRICE_PRO: z.string().min(1).optional(),
  /** Only for tests: a server on loopback that answers as Stripe's API does. */
  STRIPE_API_BASE_URL: url(['http:', 'https:']).optional(),
};

export const logConfig = {
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
};

/** Where webhooks may go; the API checks at submit, the worker again at delivery. */
export const webhookPolicyConfig = {
  /** Allow webhook URLs on loopback, private, link-local and other non-public addresses (`atelier up` sets it, for local receivers). */
  WEBHOOK_ALLOW_PRIVATE: flag(false),
  /** Allow plain `http:` webhook URLs (`atelier up` sets it); otherwise only `https:`. */
  WEBHOOK_ALLOW_HTTP: flag(false),
};

/**
 * For the schemas of processes that sign download links (`schema.superRefine(productionSecrets)`):
 * with NODE_ENV=production the signing secret must be set, and long. Anyone who knows the
 * secret can mint a link to any object that never expires, and the development default is in
 * this repository.
 */
export function productionSecrets(config: { NODE_ENV: string; STORAGE_SIGNING_SECRET: string }, context: z.RefinementCtx): void {
  if (config.NODE_ENV !== 'production') return;
  const secret = config.STORAGE_SIGNING_SECRET;
  if (secret !== DEVELOPMENT_SIGNING_SECRET && secret.length >= PRODUCTION_SIGNING_SECRET_MIN_LENGTH) return;
  context.addIssue({
    code: 'custom',
    path: ['STORAGE_SIGNING_SECRET'],
    message: `must be set to at least ${PRODUCTION_SIGNING_SECRET_MIN_LENGTH} random characters with NODE_ENV=production (anyone could sign download links with ${secret === DEVELOPMENT_SIGNING_SECRET ? 'the development value' : 'a secret this short'}); e.g. openssl rand -base64 32`,
  });
}
