import { parseArgs } from 'node:util';
import { runMigrate } from './commands/migrate.ts';
import { runUsers } from './commands/users.ts';
import { runKeys } from './commands/keys.ts';
import { runCredits } from './commands/credits.ts';
import { runDlq } from './commands/dlq.ts';
import { runUp } from './commands/up.ts';

const usage = `atelier — run and administer Atelier

  atelier up                                   everything on embedded defaults (what npm start runs)
  atelier api                                  one API process, configured by the environment
  atelier worker                               one worker process, configured by the environment
  atelier migrate                              apply pending database migrations
  atelier users create --email E [--plan free|pro] [--credits N] [--json]
                                               create a user and print their first API key (once)
  atelier users plan --email E --plan free|pro  set a user's plan as Stripe would; their waiting jobs
                                               move to its priority (needs REDIS_URL)
  atelier keys create --email E [--scopes generate,read] [--cap N] [--json]
                                               print a new API key for a user (once; the bare key
                                               unless --json): KEY=$(npx atelier keys create --email E);
                                               --scopes limits what it may do, --cap the credits it
                                               may spend a month
  atelier credits grant-monthly [--period YYYY-MM]
                                               grant each user their plan's monthly credits once per
                                               month; safe to run from cron any number of times
  atelier dlq list [--start N] [--limit N]     the dead-letter queue as JSON: error, row, every attempt's worker
  atelier dlq retry <job id> | --all           put failed jobs back with a fresh reservation (needs REDIS_URL)
`;

type Command = (args: string[]) => Promise<void>;

const commands: Record<string, Command> = {
  up: runUp,
  api: async () => (await import('@atelier/api')).startApi(),
  worker: async () => (await import('@atelier/worker')).startWorker(),
  migrate: runMigrate,
  users: runUsers,
  keys: runKeys,
  credits: runCredits,
  dlq: runDlq,
};

const { positionals } = parseArgs({ args: process.argv.slice(2, 3), allowPositionals: true, strict: false });
const command = commands[positionals[0] ?? ''];
if (!command) {
  process.stderr.write(usage);
  process.exit(positionals[0] ? 64 : 0);
}
try {
  await command(process.argv.slice(3));
} catch (error) {
  process.stderr.write(`atelier ${positionals[0]}: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
