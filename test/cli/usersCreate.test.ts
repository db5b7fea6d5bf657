import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.ts';

const atelierBin = new URL('../../apps/cli/bin/atelier.js', import.meta.url).pathname;
const run = promisify(execFile);

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

async function atelier(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: database.url, NODE_ENV: 'test' };
  try {
    const { stdout, stderr } = await run(process.execPath, [atelierBin, ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('atelier users create', () => {
  it('with an email that already has an account: says so and how to make a key, exits non-zero, no database error', async () => {
    const first = await atelier('users', 'create', '--email', 'twice@example.com', '--json');
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ email: 'twice@example.com', apiKey: expect.stringMatching(/^atl_/) });

    const again = await atelier('users', 'create', '--email', 'Twice@Example.com');
    expect(again.code).not.toBe(0);
    expect(again.stdout).toBe('');
    expect(again.stderr).toContain('Twice@Example.com already has an account');
    expect(again.stderr).toContain('atelier keys create --email Twice@Example.com');
    expect(again.stderr).not.toMatch(/duplicate key|users_email_key|violates/);

    // The way it points to works.
    const key = await atelier('keys', 'create', '--email', 'twice@example.com');
    expect(key.code, key.stderr).toBe(0);
    expect(key.stdout.trim()).toMatch(/^atl_/);
  });
});
