import { parseArgs } from 'node:util';
import { z } from 'zod';
import { Plan, plans } from '@atelier/contracts';
import { createApiKey, createPool, createUser, inTransaction, isUniqueViolation } from '@atelier/db';
import { databaseUrl } from '../cliConfig.ts';

const CreateUserArgs = z.object({
  email: z.string().email('--email must be an email address'),
  plan: Plan.default('free'),
  credits: z.coerce.number().int().min(0).optional(),
});

export async function runUsers(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  // Loaded only when used: it brings in the API's services and a queue connection.
  if (sub === 'plan') return (await import('./plan.ts')).runUsersPlan(rest);
  if (sub !== 'create')
    throw new Error('usage: atelier users create --email E [--plan free|pro] [--credits N] [--json] | users plan --email E --plan free|pro');
  const { values } = parseArgs({
    args: rest,
    options: { email: { type: 'string' }, plan: { type: 'string' }, credits: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  const { json, ...fields } = values;
  const input = CreateUserArgs.parse(fields);
  const pool = createPool(await databaseUrl(), 1);
  try {
    const { user, key } = await inTransaction(pool, async (client) => {
      const user = await createUser(client, { email: input.email, plan: input.plan, credits: input.credits ?? plans[input.plan].startingCredits });
      return { user, key: (await createApiKey(client, user.id, 'cli')).key };
    }).catch((error: unknown) => {
      if (!isUniqueViolation(error, 'users_email_key')) throw error;
      throw new Error(`${input.email} already has an account. To make an API key for it: atelier keys create --email ${input.email}`);
    });
    const created = { id: user.id, email: user.email, plan: user.plan, credits: user.credits, apiKey: key };
    process.stdout.write(
      json
        ? `${JSON.stringify(created)}\n`
        : `Created ${created.email} (${created.plan}, ${created.credits} credits).\nAPI key, shown only now: ${key}\n` +
            `Sign in on the web with that email; for scripts: KEY=${key}\n`,
    );
  } finally {
    await pool.end();
  }
}
