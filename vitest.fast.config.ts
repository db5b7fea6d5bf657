import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

/**
 * `npm run test:fast`: the pure-logic tier, seconds. A file belongs here when it needs no
 * PostgreSQL, Redis, server, child process or ffmpeg: only its own code, memory and a temporary
 * folder. CI also runs this tier on the machine's Node 20 (.ci/run).
 */
export const fastTests = [
  'packages/engines/test/localImageEngine.test.ts',
  'packages/engines/test/registry.test.ts',
  'packages/media/test/blurhashEncoder.test.ts',
  'packages/media/test/placeholder.test.ts',
  'packages/storage/test/createObjectStore.test.ts',
  'packages/storage/test/localDiskStore.test.ts',
  'packages/storage/test/objectKeys.test.ts',
  'test/web/**/*.test.ts',
  'test/fast/**/*.test.ts',
];

// Spread, not mergeConfig: that would append this list to the whole suite's.
export default defineConfig({ test: { ...base.test, include: fastTests } });
