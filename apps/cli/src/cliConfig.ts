import { z } from 'zod';
import { databaseConfig, loadConfigOrExit } from '@atelier/config';
import { useLocalPostgres } from './embedded/embeddedDatabase.ts';

/** What the administrative commands need: only the database; with none configured, the embedded one `atelier up` uses. */
export async function databaseUrl(): Promise<string> {
  const { DATABASE_URL } = loadConfigOrExit(z.object({ DATABASE_URL: databaseConfig.DATABASE_URL.optional() }));
  return DATABASE_URL ?? useLocalPostgres();
}
