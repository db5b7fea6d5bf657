import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, preparedStatement } from '../src/index.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/testDatabase.ts';

const answer = preparedStatement('test-answer', 'SELECT $1::int + 1 AS answer');
const preparedHere = preparedStatement('test-prepared-here', `SELECT array_agg(name ORDER BY name) AS names FROM pg_prepared_statements`);

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

describe('preparedStatement', () => {
  it('is prepared once on its connection by name and then reused', async () => {
    const pool = createPool(database.url, 1, { preparedStatements: true });
    try {
      for (let run = 0; run < 3; run++) expect((await pool.query(answer([41]))).rows).toEqual([{ answer: 42 }]);
      const { rows } = await pool.query(preparedHere([]));
      expect(rows[0].names).toEqual(['test-answer', 'test-prepared-here']);
    } finally {
      await pool.end();
    }
  });

  it('runs unnamed, leaving no statement in the session, when the pool says so', async () => {
    const pool = createPool(database.url, 1);
    try {
      expect((await pool.query(answer([1]))).rows).toEqual([{ answer: 2 }]);
      const { rows } = await pool.query(preparedHere([]));
      expect(rows[0].names).toBeNull();
    } finally {
      await pool.end();
    }
  });
});
