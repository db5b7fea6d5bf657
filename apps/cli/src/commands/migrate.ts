import { migrate } from '@atelier/db';
import { databaseUrl } from '../cliConfig.ts';

export async function runMigrate(): Promise<void> {
  const DATABASE_URL = await databaseUrl();
  const applied = await migrate(DATABASE_URL);
  process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
}
