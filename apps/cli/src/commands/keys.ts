import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ApiKeyScope, apiKeyScopes, CreateApiKeyBody } from '@atelier/contracts';
import { createApiKey, createPool, findUserByEmail } from '@atelier/db';
import { databaseUrl } from '../cliConfig.ts';

const USAGE = `usage: atelier keys create --email E [--scopes ${apiKeyScopes.join(',')}] [--cap N] [--json]`;

/** The flags, checked by the same schema as `POST /api/keys`. */
const CreateKeyArgs = z.object({
  email: z.string({ error: USAGE }).email('--email must be an email address'),
  scopes: z
    .string()
    .optional()
    .transform((list) => list?.split(',').map((scope) => scope.trim()))
    .pipe(z.array(ApiKeyScope, { error: `--scopes: a comma-separated list of ${apiKeyScopes.join(', ')}` }).optional()),
  cap: z.coerce.number({ error: '--cap must be a whole number of credits' }).optional(),
});

export async function runKeys(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub !== 'create') throw new Error(USAGE);
  const { values } = parseArgs({
    args: rest,
    options: { email: { type: 'string' }, scopes: { type: 'string' }, cap: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  const { json, ...keyFlags } = values;
  const flags = CreateKeyArgs.parse(keyFlags);
  const limits = CreateApiKeyBody.parse({ name: 'cli', scopes: flags.scopes, monthlyCreditCap: flags.cap ?? null });
  const pool = createPool(await databaseUrl(), 1);
  try {
    const user = await findUserByEmail(pool, flags.email);
    if (!user) throw new Error(`no user with email ${flags.email}`);
    const { key } = await createApiKey(pool, user.id, 'cli', limits);
    // The bare key by default, so that KEY=$(atelier keys create --email E) works.
    process.stdout.write(json ? `${JSON.stringify({ email: user.email, apiKey: key })}\n` : `${key}\n`);
  } finally {
    await pool.end();
  }
}
