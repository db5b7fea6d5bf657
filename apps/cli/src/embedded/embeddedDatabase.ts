import pg from 'pg';

const LOCAL_SERVER = 'postgres://postgres@127.0.0.1:5432';
const DATABASE = 'atelier';

/**
 * With no DATABASE_URL: a PostgreSQL server on this machine (as Debian's postgresql package
 * runs it), with a database of ours created on first use.
 */
export async function useLocalPostgres(): Promise<string> {
  const admin = new pg.Client({ connectionString: `${LOCAL_SERVER}/postgres`, connectionTimeoutMillis: 2_000 });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `No DATABASE_URL is set and no PostgreSQL answers at 127.0.0.1:5432 (${(error as Error).message}). ` +
        `Install it (Debian/Ubuntu: sudo apt-get install -y postgresql, then allow trust or set DATABASE_URL) or set DATABASE_URL.`,
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
