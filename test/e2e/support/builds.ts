import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../../../', import.meta.url));

interface Build {
  workspace: string;
  /** Its index.html: the build's time stamp. */
  output: string;
  /** Files and folders whose change makes the build stale. */
  inputs: string[];
}

const contracts = join(repo, 'packages/contracts/src');
export const builds: Record<'web' | 'landing', Build> = {
  web: {
    workspace: '@atelier/web',
    output: join(repo, 'apps/web/dist/index.html'),
    inputs: ['src', 'index.html', 'vite.config.ts', 'tsconfig.json', 'package.json'].map((path) => join(repo, 'apps/web', path)).concat(contracts),
  },
  landing: {
    workspace: '@atelier/landing',
    output: join(repo, 'apps/landing/dist/index.html'),
    inputs: ['src', 'astro.config.mjs', 'tsconfig.json', 'package.json'].map((path) => join(repo, 'apps/landing', path)).concat(contracts),
  },
};

async function mtimeOf(path: string): Promise<number | null> {
  try {
    return (await stat(path)).mtimeMs;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** The newest modification time of a file or of anything under a folder. */
async function newestUnder(path: string): Promise<number> {
  const info = await stat(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of await readdir(path)) newest = Math.max(newest, await newestUnder(join(path, entry)));
  return newest;
}

async function isStale(build: Build): Promise<boolean> {
  const built = await mtimeOf(build.output);
  if (built === null) return true;
  for (const input of build.inputs) {
    if ((await mtimeOf(input)) !== null && (await newestUnder(input)) > built) return true;
  }
  return false;
}

/** One builder at a time across test files (and across `npm test` runs in this checkout). */
const lockDir = join(tmpdir(), `atelier-e2e-build-${createHash('sha256').update(repo).digest('hex').slice(0, 12)}.lock`);
const STALE_LOCK_MS = 5 * 60_000;

async function withLock<T>(work: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      await mkdir(lockDir);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const since = await mtimeOf(lockDir);
      // A builder that died leaves its lock; one older than any build is taken over.
      if (since !== null && Date.now() - since > STALE_LOCK_MS) await rm(lockDir, { recursive: true, force: true });
      else await sleep(250);
    }
  }
  try {
    return await work();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}

/**
 * Build the web app and the landing page with their own `npm run build` when the dist is
 * missing or older than its sources, once, however many test files ask at the same time.
 * A fresh checkout pays one build (~40 s on two cores); later runs pay a few stat calls.
 */
export async function ensureBuilt(...which: (keyof typeof builds)[]): Promise<void> {
  const wanted = which.length ? which.map((name) => builds[name]) : Object.values(builds);
  const staleNow = async () => (await Promise.all(wanted.map(async (build) => ((await isStale(build)) ? build : null)))).filter((b) => b !== null);
  if ((await staleNow()).length === 0) return;
  await withLock(async () => {
    const stale = await staleNow(); // another test file may have built it while we waited
    if (stale.length === 0) return;
    const workspaces = stale.flatMap((build) => ['-w', build.workspace]);
    try {
      await run('npm', ['run', 'build', ...workspaces], { cwd: repo, env: buildEnv(), maxBuffer: 64 * 1024 * 1024 });
    } catch (error) {
      const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
      throw new Error(`npm run build ${workspaces.join(' ')} failed:\n${stdout.slice(-4000)}\n${stderr.slice(-4000)}`);
    }
  });
}

/**
 * The environment of `npm start`'s build, not the test runner's: Vitest sets NODE_ENV=test,
 * and Vite honours it, which would make a development bundle (React's checks, StrictMode's
 * double effects) instead of the one people get.
 */
function buildEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_ENV;
  for (const name of Object.keys(env)) if (name.startsWith('VITEST') || name === 'TEST') delete env[name];
  return env;
}

/** Long enough for a cold build on a busy two-core machine. */
export const BUILD_TIMEOUT_MS = 240_000;
