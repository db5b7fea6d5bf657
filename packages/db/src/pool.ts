import pg from 'pg';

// int8 columns (bigint ids, byte counts) fit in a JS number for every value this schema holds.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export type Pool = pg.Pool;
export type Queryable = pg.Pool | pg.PoolClient;

/**
 * One pool per process. No session state is kept across transactions (no SET, no prepared
 * statement names, no advisory session locks), so the pool works behind PgBouncer in
 * transaction mode.
 */
export function createPool(databaseUrl: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: databaseUrl, max, connectionTimeoutMillis: 5_000 });
  // An idle client that loses its server emits here; without a listener it would crash the process.
  pool.on('error', (error) => process.emitWarning(`PostgreSQL idle client error: ${error.message}`));
  return pool;
}

/** Run `work` in one transaction; roll back on any error and rethrow it. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => {
      (error as Error).message += ` (and ROLLBACK failed: ${rollbackError.message})`;
    });
    throw error;
  } finally {
    client.release();
  }
}
