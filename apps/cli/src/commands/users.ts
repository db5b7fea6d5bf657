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
  if (sub !== 'create') throw new Error('usage: atelier users create --email E [--plan free|pro] [--credits N] | users plan --email E --plan free|pro');
  const { values } = parseArgs({ args: rest, options: { email: { type: 'string' }, plan: { type: 'string' }, credits: { type: 'string' } } });
  const input = CreateUserArgs.parse(values);
  const pool = createPool(await databaseUrl(), 1);
  try {
    const { user, key } = await inTransaction(pool, async (client) => {
      const user = await createUser(client, { email: input.email, plan: input.plan, credits: input.credits ?? plans[input.plan].startingCredits });
      return { user, key: (await createApiKey(client, user.id, 'cli')).key };
    }).catch((error: unknown) => {
      if (!isUniqueViolation(error, 'users_email_key')) throw error;
      throw new Error(`${input.email} already has an account. To make an API key for it: atelier keys create --email ${input.email}`);
    });
    process.stdout.write(`${JSON.stringify({ id: user.id, email: user.email, plan: user.plan, credits: user.credits, apiKey: key })}\n`);
  } finally {
    await pool.end();
  }
}
