import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiConfigSchema } from '@atelier/api';
import { ConfigError, parseConfig } from '@atelier/config';
import { workerConfigSchema } from '@atelier/worker';
import { TestPlatform } from '../support/platform.ts';

const atelierBin = new URL('../../apps/cli/bin/atelier.js', import.meta.url).pathname;
const REFUSAL = /STORAGE_SIGNING_SECRET: must be set to at least 32 random characters with NODE_ENV=production/;

let platform: TestPlatform;
beforeAll(async () => {
  platform = await TestPlatform.start();
});
afterAll(async () => {
  await platform?.stop();
});

/** Starts `atelier <role>` and waits for it to exit on its own (one that starts is killed after 20 s, and fails the test). */
function exitOf(role: 'api' | 'worker', env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [atelierBin, role], { env: { ...platform.env, PORT: '0', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, stderr });
    }),
  );
}

describe('with NODE_ENV=production the link-signing secret must be real', () => {
  it('the API and the worker stop at start without one, naming STORAGE_SIGNING_SECRET', async () => {
    const exits = await Promise.all((['api', 'worker'] as const).map((role) => exitOf(role, { NODE_ENV: 'production', STORAGE_SIGNING_SECRET: undefined })));
    for (const { code, stderr } of exits) {
      expect(code).toBe(78);
      expect(stderr).toMatch(REFUSAL);
    }
  });

  const refusalOf = (schema: typeof apiConfigSchema | typeof workerConfigSchema, env: NodeJS.ProcessEnv) => {
    try {
      parseConfig(schema, { ...platform.env, ...env });
      return null;
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      return error.message;
    }
  };

  it.each([
    ['the development value', 'development-only-signing-secret'],
    ['31 characters', 'a'.repeat(31)],
  ])('both schemas refuse %s in production, and take it outside production', (_what, secret) => {
    for (const schema of [apiConfigSchema, workerConfigSchema]) {
      expect(refusalOf(schema, { NODE_ENV: 'production', STORAGE_SIGNING_SECRET: secret })).toMatch(REFUSAL);
      expect(refusalOf(schema, { NODE_ENV: 'development', STORAGE_SIGNING_SECRET: secret })).toBeNull();
    }
  });

  it('both schemas take 32 characters in production', () => {
    for (const schema of [apiConfigSchema, workerConfigSchema])
      expect(refusalOf(schema, { NODE_ENV: 'production', STORAGE_SIGNING_SECRET: 'x'.repeat(32) })).toBeNull();
  });
});
