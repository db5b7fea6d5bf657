import { parseArgs } from 'node:util';
import { createApiKey, createPool, findUserByEmail } from '@atelier/db';
import { databaseUrl } from '../cliConfig.ts';

export async function runKeys(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  const { values } = parseArgs({ args: rest, options: { email: { type: 'string' }, json: { type: 'boolean', default: false } } });
  if (sub !== 'create' || !values.email) throw new Error('usage: atelier keys create --email E [--json]');
  const pool = createPool(await databaseUrl(), 1);
  try {
    const user = await findUserByEmail(pool, values.email);
    if (!user) throw new Error(`no user with email ${values.email}`);
    const { key } = await createApiKey(pool, user.id, 'cli');
    // The bare key by default, so that KEY=$(atelier keys create --email E) works.
    process.stdout.write(values.json ? `${JSON.stringify({ email: user.email, apiKey: key })}\n` : `${key}\n`);
  } finally {
    await pool.end();
  }
}
