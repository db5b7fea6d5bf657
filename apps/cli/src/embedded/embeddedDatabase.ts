import { readFile, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import pg from 'pg';

const LOCAL_SERVER = 'postgres://postgres@127.0.0.1:5432';
const DATABASE = 'atelier';
/** Written by `atelier up` while it runs: the address of the database it chose, for the CLI. */
const RUNNING_URL_FILE = 'database-url';

/** Nothing listens (or nothing answers in time) at that address, as opposed to a server that refuses us. */
function isNoServer(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ECONNREFUSED' || code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || /timeout/i.test((error as Error).message);
}

/**
 * The PostgreSQL server on this machine (as Debian's postgresql package runs it), with a
 * database of ours created on first use; null when nothing answers at 127.0.0.1:5432. A server
 * that answers and refuses (a password, a missing role) is an error: it is not "no server".
 */
export async function findLocalPostgres(): Promise<string | null> {
  const admin = new pg.Client({ connectionString: `${LOCAL_SERVER}/postgres`, connectionTimeoutMillis: 2_000 });
  try {
    await admin.connect();
  } catch (error) {
    if (isNoServer(error)) return null;
    throw new Error(
      `The PostgreSQL at 127.0.0.1:5432 refused the connection as user postgres (${(error as Error).message}). ` +
        `Allow it (trust for 127.0.0.1 in pg_hba.conf), set DATABASE_URL, or set EMBEDDED_DATABASE=pglite for the embedded one.`,
    );
  }
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (rowCount === 0) await admin.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await admin.end();
  }
  return `${LOCAL_SERVER}/${DATABASE}`;
}

/** The local PostgreSQL, or an error that says what to install or set. */
export async function useLocalPostgres(): Promise<string> {
  const url = await findLocalPostgres();
  if (url) return url;
  throw new Error(
    'No DATABASE_URL is set, no `atelier up` is running here, and no PostgreSQL answers at 127.0.0.1:5432. ' +
      'Start `atelier up` (it embeds PGlite when there is no PostgreSQL), install PostgreSQL ' +
      '(Debian/Ubuntu: sudo apt-get install -y postgresql, then allow trust or set DATABASE_URL), or set DATABASE_URL.',
  );
}

/** Tell the CLI which database this `atelier up` uses; returns the function that takes it back. */
export async function publishRunningDatabaseUrl(dataDir: string, url: string): Promise<() => Promise<void>> {
  const file = resolve(dataDir, RUNNING_URL_FILE);
  await writeFile(file, `${url}\n`);
  return () => rm(file, { force: true });
}

/**
 * The database a running `atelier up` uses, or null when none has said so in this data folder.
 * The address is tried once, so that a file left by an `up` that was killed says so.
 */
export async function readRunningDatabaseUrl(dataDir: string): Promise<string | null> {
  const file = resolve(dataDir, RUNNING_URL_FILE);
  let url: string;
  try {
    url = (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const probe = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await probe.connect();
  } catch (error) {
    throw new Error(
      `${file} says \`atelier up\` uses ${url}, which does not answer (${(error as Error).message}). Is \`atelier up\` still running? If not, delete that file.`,
    );
  }
  await probe.end();
  return url;
}
